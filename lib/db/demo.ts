import path from 'node:path';
import fs from 'node:fs';
import { Sequelize as SequelizeStatic } from 'sequelize';
import { Conflict } from '../errors';
import { projectRoot } from '../paths';
import { createOwnerSequelize } from './connection';

/**
 * `npm run demo`: the demo seeders, on an empty database only (they never run by themselves),
 * as the owner (they write password hashes, which the runtime role cannot). The same files
 * run with `npx sequelize-cli db:seed:all` against the owner's DATABASE_URL.
 */
export async function loadDemoData(ownerUrl: string): Promise<string[]> {
  const owner = createOwnerSequelize(ownerUrl);
  try {
    const [[{ n }]] = (await owner.query('SELECT count(*)::int AS n FROM collaborators')) as [{ n: number }[], unknown];
    if (n > 0) throw new Conflict('the database already holds collaborators: demo data goes only into an empty one');
    require('tsx/cjs/api').register();
    const dir = path.join(projectRoot(), 'seeders');
    const files = fs.readdirSync(dir).filter((name) => /^\d{14}-.+\.ts$/.test(name)).sort();
    for (const file of files) await require(path.join(dir, file)).up(owner.getQueryInterface(), SequelizeStatic);
    return files;
  } finally {
    await owner.close();
  }
}
