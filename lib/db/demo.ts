import path from 'node:path';
import fs from 'node:fs';
import { Sequelize as SequelizeStatic } from 'sequelize';
import { Conflict } from '../errors';
import { projectRoot } from '../paths';
import { createOwnerSequelize } from './connection';

/**
 * `npm run demo`: the demo seeders (they never run by themselves), as the owner (they write
 * password hashes, which the runtime role cannot). The same files run with
 * `npx sequelize-cli db:seed:all` against the owner's DATABASE_URL; the seeder itself refuses
 * a database that already has collaborators, whichever way it is started.
 */
export async function loadDemoData(ownerUrl: string): Promise<string[]> {
  const owner = createOwnerSequelize(ownerUrl);
  try {
    require('tsx/cjs/api').register();
    const dir = path.join(projectRoot(), 'seeders');
    const files = fs.readdirSync(dir).filter((name) => /^\d{14}-.+\.ts$/.test(name)).sort();
    for (const file of files) await require(path.join(dir, file)).up(owner.getQueryInterface(), SequelizeStatic);
    return files;
  } catch (error) {
    // Loaded at run time from the seeders folder: recognised by name, not by class.
    if ((error as Error).name === 'DemoRefused') throw new Conflict((error as Error).message);
    throw error;
  } finally {
    await owner.close();
  }
}
