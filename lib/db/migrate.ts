import fs from 'node:fs';
import path from 'node:path';
import { Sequelize as SequelizeStatic, type Sequelize } from 'sequelize';
import type { Umzug } from 'umzug';
import { projectRoot } from '../paths';

/**
 * Applies pending migrations from the same files and the same SequelizeMeta table that
 * `sequelize-cli db:migrate` uses, so either may run first. Migrations run as the owner
 * account (README, "Database accounts"), on a Sequelize without models.
 */

const MIGRATION_FILE = /^\d{14}-.+\.ts$/;

export function migrationsDir(): string {
  return path.join(projectRoot(), 'migrations');
}

export function migrationNames(): string[] {
  return fs.readdirSync(migrationsDir()).filter((name) => MIGRATION_FILE.test(name)).sort();
}

async function appliedNames(sequelize: Sequelize): Promise<Set<string>> {
  try {
    const [rows] = await sequelize.query('SELECT name FROM "SequelizeMeta"');
    return new Set((rows as { name: string }[]).map((row) => row.name));
  } catch (error) {
    // No SequelizeMeta table yet: a new database. Anything else is a real failure.
    if ((error as { parent?: { code?: string } }).parent?.code === '42P01') return new Set();
    throw error;
  }
}

function migrator(sequelize: Sequelize): Umzug<ReturnType<Sequelize['getQueryInterface']>> {
  // The migrations are TypeScript; tsx compiles them only when one has to run.
  require('tsx/cjs/api').register();
  const { SequelizeStorage, Umzug } = require('umzug') as typeof import('umzug');
  return new Umzug({
    migrations: migrationNames().map((name) => {
      const file = path.join(migrationsDir(), name);
      return {
        name,
        up: async ({ context }) => require(file).up(context, SequelizeStatic),
        down: async ({ context }) => require(file).down(context, SequelizeStatic),
      };
    }),
    context: sequelize.getQueryInterface(),
    storage: new SequelizeStorage({ sequelize }),
    logger: undefined,
  });
}

// Two processes starting on a fresh database would otherwise both migrate.
const MIGRATION_LOCK = 7_420_001;

export async function migrateIfNeeded(sequelize: Sequelize): Promise<string[]> {
  const applied = await appliedNames(sequelize);
  if (migrationNames().every((name) => applied.has(name))) return [];
  const connection = new (require('pg') as typeof import('pg')).Client(connectionConfig(sequelize));
  await connection.connect();
  try {
    await connection.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const done = await migrator(sequelize).up();
    return done.map((migration) => migration.name);
  } finally {
    await connection.end();
  }
}

export async function undoAllMigrations(sequelize: Sequelize): Promise<void> {
  await migrator(sequelize).down({ to: 0 });
}

function connectionConfig(sequelize: Sequelize): import('pg').ClientConfig {
  const c = sequelize.config;
  return { host: c.host, port: Number(c.port), user: c.username, password: c.password ?? undefined, database: c.database };
}
