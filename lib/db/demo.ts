import path from 'node:path';
import fs from 'node:fs';
import { Sequelize as SequelizeStatic } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { Conflict } from '../errors';
import { Collaborator } from '../../models';
import { projectRoot } from '../paths';

/**
 * `npm run demo`: the demo seeders, on an empty database only (they never run by themselves).
 * The same files run with `npx sequelize-cli db:seed:all` against DATABASE_URL.
 */
export async function loadDemoData(sequelize: Sequelize): Promise<string[]> {
  if ((await Collaborator.count()) > 0) throw new Conflict('the database already holds collaborators: demo data goes only into an empty one');
  require('tsx/cjs/api').register();
  const dir = path.join(projectRoot(), 'seeders');
  const files = fs.readdirSync(dir).filter((name) => /^\d{14}-.+\.ts$/.test(name)).sort();
  for (const file of files) await require(path.join(dir, file)).up(sequelize.getQueryInterface(), SequelizeStatic);
  return files;
}
