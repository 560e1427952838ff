import path from 'node:path';
import { createApp, type App } from '../../lib/app';
import type { Clock } from '../../lib/clock';
import { readConfig } from '../../lib/config';
import type { Reporter } from '../../lib/reporting/reporter';
import type { TestDatabase } from './database';
import { tempDir } from './temp';

/**
 * The application as the shell builds it, on a test database, with a clock the test moves
 * and private folders of its own. The security policy (bcrypt cost included) is the test
 * database's own.
 */
export function testApp(db: TestDatabase, clock: Clock, options: { env?: Record<string, string>; reporter?: Reporter } = {}): App {
  const home = tempDir('epic-app-');
  const config = readConfig({
    HOME: home,
    DATABASE_URL: db.url,
    EPIC_DATA_DIR: path.join(home, 'data'),
    XDG_CONFIG_HOME: path.join(home, 'config'),
    NO_COLOR: '1',
    ...options.env,
  });
  return { ...createApp(config, { clock, reporter: options.reporter }), db: async () => db.sequelize, close: async () => undefined };
}
