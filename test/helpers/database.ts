import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { Sequelize as PlainSequelize } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { createSequelize } from '../../lib/db/connection';
import { ensureEmbeddedDatabase } from '../../lib/db/embedded';
import { migrateIfNeeded, migrationNames, migrationsDir } from '../../lib/db/migrate';
import { projectRoot } from '../../lib/paths';

/**
 * One fresh database per test file, cloned from a migrated template, on the server named by
 * DATABASE_URL or, when it is unset, on an embedded PostgreSQL kept in .test-data/.
 */

export const TEST_DATA_DIR = path.join(projectRoot(), '.test-data');

export async function serverUrl(): Promise<string> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  return ensureEmbeddedDatabase({ dataDir: TEST_DATA_DIR, idleMinutes: 5 });
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

function templateName(): string {
  const hash = crypto.createHash('sha256');
  for (const name of migrationNames()) hash.update(name).update(fs.readFileSync(path.join(migrationsDir(), name)));
  return `epic_tpl_${hash.digest('hex').slice(0, 12)}`;
}

async function withAdmin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function ensureTemplate(url: string): Promise<string> {
  const template = templateName();
  await withAdmin(url, async (admin) => {
    await admin.query('SELECT pg_advisory_lock(7420002)');
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (found.rowCount) return;
    await admin.query(`CREATE DATABASE ${template}`);
    // The security policy is seeded from the environment: the fastest cost the policy allows.
    process.env.EPIC_BCRYPT_COST ??= '10';
    const sequelize = createSequelize(withDatabase(url, template));
    try {
      await migrateIfNeeded(sequelize);
    } finally {
      await sequelize.close();
    }
  });
  return template;
}

export interface TestDatabase {
  /** The runtime role's URL: what the application uses. */
  url: string;
  ownerUrl: string;
  name: string;
  runtimeRole: string;
  /** Runtime Sequelize with the models bound. */
  sequelize: Sequelize;
  /** The owner, without models: fixtures and raw checks. */
  owner: PlainSequelize;
  drop(): Promise<void>;
}

/** An empty database (no migrations) for the migration tests. */
export async function emptyDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const server = await serverUrl();
  const name = `epic_test_${crypto.randomBytes(6).toString('hex')}`;
  await withAdmin(server, (admin) => admin.query(`CREATE DATABASE ${name}`));
  return {
    url: withDatabase(server, name),
    drop: () => withAdmin(server, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

export async function freshDatabase(): Promise<TestDatabase> {
  const server = await serverUrl();
  const template = await ensureTemplate(server);
  const name = `epic_test_${crypto.randomBytes(6).toString('hex')}`;
  await withAdmin(server, (admin) => admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  const ownerUrl = withDatabase(server, name);
  const runtimeRole = `${template}_app`;
  const runtime = new URL(ownerUrl);
  runtime.username = runtimeRole;
  runtime.password = '';
  const url = runtime.toString();
  const sequelize = createSequelize(url);
  const owner = new PlainSequelize(ownerUrl, { dialect: 'postgres', dialectModule: pg, logging: false });
  return {
    url,
    ownerUrl,
    name,
    runtimeRole,
    sequelize,
    owner,
    async drop() {
      await sequelize.close();
      await owner.close();
      await withAdmin(server, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
