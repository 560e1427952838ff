import { Transaction } from 'sequelize';
import type { App } from './app';
import { createOwnerSequelize } from './db/connection';
import { inTransaction } from './db/context';
import { migrationNames } from './db/migrate';
import { createExportFile, readExportFile, verifyExportFile, type Counts } from './db/move-file';
import { NotLoggedIn, UsageError } from './errors';
import { BATCH_ROWS, exportRecords, importRecords } from './services/data-move';
import { inSession, SessionUnusable } from './services/sessions';
import { readToken } from './session/token-file';
import { ONE_SHOT_SESSION_ENDED, SESSION_EXPIRED } from './session/token-session';

/**
 * `epic db export <file>` and `epic db import <file>` (README, "Moving to a shared server",
 * "Backups"). Both connect as the owner: the embedded server's, or on a server the URL of
 * --admin-url / EPIC_ADMIN_DATABASE_URL, as `epic db migrate` does.
 */

const USAGE = 'usage: epic db export <file> [--admin-url URL] | epic db import <file> [--admin-url URL]';

function parse(argv: string[]): { file: string; adminUrl?: string } {
  let file: string | undefined;
  let adminUrl: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--admin-url' && argv[i + 1] && adminUrl === undefined) adminUrl = argv[++i];
    else if (!argv[i].startsWith('--') && file === undefined) file = argv[i];
    else throw new UsageError(USAGE);
  }
  if (!file) throw new UsageError(USAGE);
  return { file, adminUrl };
}

const summary = (counts: Counts) =>
  Object.entries(counts)
    .map(([table, rows]) => `${rows.toLocaleString('en')} ${table.replace('_', ' ')}`)
    .join(', ');

export async function moveCommand(app: App, what: 'export' | 'import', argv: string[], ownerUrl: (given?: string) => Promise<string>): Promise<number> {
  const { file, adminUrl } = parse(argv);
  if (what === 'export') {
    // A manager's act: the session of `epic login`, judged by the database in the export's own transaction.
    const token = readToken(app.config.configDir);
    if (!token) throw new NotLoggedIn('not logged in: log in as a manager with `epic login` first');
    const owner = createOwnerSequelize(await ownerUrl(adminUrl));
    const writer = createExportFile(file);
    try {
      await inSession(owner, app.clock, token, () => undefined, (ctx) => exportRecords(ctx, writer, app.clock.now()), {
        isolationLevel: Transaction.ISOLATION_LEVELS.REPEATABLE_READ,
      });
    } catch (error) {
      writer.abandon();
      if (error instanceof SessionUnusable) throw new NotLoggedIn(error.status === 'ended' ? ONE_SHOT_SESSION_ENDED : SESSION_EXPIRED);
      throw error;
    } finally {
      await owner.close();
    }
    process.stderr.write(`exported ${summary(writer.finish())} to ${file}\n`);
    return 0;
  }
  // The whole file is checked once before the database is touched, and again as it is loaded.
  await verifyExportFile(file, BATCH_ROWS);
  if (!adminUrl && !app.config.adminDatabaseUrl && !app.config.databaseUrl) await app.db(); // the embedded default migrates itself
  const owner = createOwnerSequelize(await ownerUrl(adminUrl));
  try {
    const counts = await inTransaction(owner, app.clock, (tx) => importRecords(tx, readExportFile(file, BATCH_ROWS), migrationNames()));
    process.stderr.write(`imported ${summary(counts)} from ${file}\n`);
  } finally {
    await owner.close();
  }
  return 0;
}
