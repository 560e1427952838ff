import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Sequelize as PlainSequelize, Transaction, TransactionOptions } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import { createOwnerSequelize, createSequelize } from '../../lib/db/connection';
import { embeddedAdminUrl, ensureEmbeddedDatabase } from '../../lib/db/embedded';
import { migrateIfNeeded, migrationNames, migrationsDir } from '../../lib/db/migrate';
import { scramVerifier } from '../../lib/db/scram';
import { projectRoot } from '../../lib/paths';

/**
 * One fresh database per test file, cloned from a migrated template, on the server named by
 * DATABASE_URL (its superuser, as CI passes it) or, when it is unset, on an embedded
 * PostgreSQL whose data folder is TEST_DATA_DIR (`npm test` makes one in its run's folder), or
 * .test-data/ for ava run alone.
 *
 * As in production, two accounts: each template has its owner role `<template>_owner`, which
 * migrated it and owns everything, and its runtime role `<template>_app`, which the
 * application uses; clones share both. Roles belong to the whole server, so their names come
 * from the template (itself named after the migrations), never fixed names. Their passwords
 * are derived from the superuser's (HMAC of the role name), so every test process computes
 * the same ones; a trust server ignores them.
 */

export const TEST_DATA_DIR = process.env.TEST_DATA_DIR || path.join(projectRoot(), '.test-data');

/** The superuser's URL of the test server. */
export async function serverUrl(): Promise<string> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  await ensureEmbeddedDatabase({ dataDir: TEST_DATA_DIR, idleMinutes: 5 });
  return embeddedAdminUrl(TEST_DATA_DIR, 'superuser', 'postgres')!;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

function asRole(url: string, database: string, role: string): string {
  const parsed = new URL(withDatabase(url, database));
  parsed.username = role;
  parsed.password = derivedPassword(url, role);
  return parsed.toString();
}

function derivedPassword(superuserUrl: string, role: string): string {
  return crypto.createHmac('sha256', decodeURIComponent(new URL(superuserUrl).password)).update(role).digest('base64url');
}

function templateName(): string {
  const hash = crypto.createHash('sha256');
  for (const name of migrationNames()) hash.update(name).update(fs.readFileSync(path.join(migrationsDir(), name)));
  return `epic_tpl_${hash.digest('hex').slice(0, 12)}`;
}

/** One plain connection to `url` for the work, closed after it. */
export async function withAdmin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A non-superuser owner role (it creates the runtime role) and its database. */
async function createOwnedDatabase(admin: pg.Client, server: string, database: string): Promise<string> {
  const owner = `${database}_owner`;
  const found = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [owner]);
  if (!found.rowCount) {
    await admin.query(`CREATE ROLE ${owner} LOGIN NOSUPERUSER NOCREATEDB CREATEROLE NOBYPASSRLS PASSWORD '${scramVerifier(derivedPassword(server, owner))}'`);
  }
  await admin.query(`CREATE DATABASE ${database} OWNER ${owner}`);
  return owner;
}

/** Sets the derived password of the runtime role the migration created. */
async function setRuntimePassword(admin: pg.Client, server: string, runtime: string): Promise<void> {
  await admin.query(`ALTER ROLE ${runtime} PASSWORD '${scramVerifier(derivedPassword(server, runtime))}'`);
}

/**
 * Drops a test database once the connections its test closed have left it. pg's Pool.end()
 * resolves before the server has ended their sessions; WITH (FORCE) would end those with
 * "terminating connection due to administrator command", which their pool, ended and without
 * an error listener, throws as an uncaught exception in the test file. A connection still
 * open after a second is a leak, ended by FORCE.
 */
export async function dropDatabase(admin: pg.Client, name: string): Promise<void> {
  for (let tries = 0; tries < 50; tries++) {
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'`, [name]);
    if (rows[0].n === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

// Several test processes, and other worktrees, create templates on one server at once.
const TEMPLATE_LOCK = 7_420_002;

/** The migrated template of this run's migrations on `server`, made by the first caller. */
export async function ensureTemplate(server: string): Promise<string> {
  const template = templateName();
  await withAdmin(server, async (admin) => {
    await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (found.rowCount) return;
    const owner = await createOwnedDatabase(admin, server, template);
    const sequelize = createOwnerSequelize(asRole(server, template, owner));
    try {
      await migrateIfNeeded(sequelize);
      // Tests hash at bcrypt cost 10, the fastest the policy allows.
      await sequelize.query(`UPDATE security_policy SET "bcryptCost" = 10, "decoyHash" = crypt('decoy', gen_salt('bf', 10))`);
      await setRuntimePassword(admin, server, `${template}_app`);
    } catch (error) {
      // A half-made template would be taken for a finished one by every later run.
      await sequelize.close();
      await dropDatabase(admin, template);
      throw error;
    }
    await sequelize.close();
  });
  return template;
}

/**
 * Removes this run's template, the clones of it that a crashed test file left (those nobody is
 * connected to: another run with the same migrations may be using its own), and its two roles,
 * from a server the suite was pointed at (`npm test` calls it at the end, once no test file of
 * the run uses them).
 */
export async function dropTemplate(server: string): Promise<void> {
  const template = templateName();
  await withAdmin(server, async (admin) => {
    const clones = await admin.query(
      `SELECT datname FROM pg_database d WHERE pg_get_userbyid(datdba) = $1 AND datname <> $2
          AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname AND a.backend_type = 'client backend')`,
      [`${template}_owner`, template],
    );
    for (const { datname } of clones.rows) await dropDatabase(admin, datname);
    await dropDatabase(admin, template);
    for (const role of [`${template}_app`, `${template}_owner`]) await admin.query(`DROP ROLE IF EXISTS ${role}`);
  });
}

export interface TestDatabase {
  /** The runtime role's URL: what the application uses. */
  url: string;
  /** The owner's URL: migrations, fixtures and raw checks. */
  ownerUrl: string;
  name: string;
  runtimeRole: string;
  /** The runtime connection with the models bound. */
  sequelize: Sequelize;
  /** The owner's connection, without models. */
  owner: PlainSequelize;
  drop(): Promise<void>;
}

const uniqueName = () => `epic_test_${crypto.randomBytes(6).toString('hex')}`;

/**
 * An empty database (no migrations) for the migration tests, owned by an owner role of its
 * own; drop() also drops that role and the runtime role a migration created.
 */
export async function emptyDatabase(): Promise<{ url: string; ownerUrl: string; name: string; runtimeRole: string; drop(): Promise<void> }> {
  const server = await serverUrl();
  const name = uniqueName();
  const owner = await withAdmin(server, (admin) => createOwnedDatabase(admin, server, name));
  const runtimeRole = `${name}_app`;
  return {
    url: withDatabase(server, name),
    ownerUrl: asRole(server, name, owner),
    name,
    runtimeRole,
    drop: () =>
      withAdmin(server, async (admin) => {
        await dropDatabase(admin, name);
        await admin.query(`DROP ROLE IF EXISTS ${runtimeRole}`);
        await admin.query(`DROP ROLE IF EXISTS ${owner}`);
      }),
  };
}

/** Sets the runtime role's derived password, for a test that migrated an empty database itself. */
export async function runtimeUrlOf(db: { name: string; runtimeRole: string }): Promise<string> {
  const server = await serverUrl();
  await withAdmin(server, (admin) => setRuntimePassword(admin, server, db.runtimeRole));
  return asRole(server, db.name, db.runtimeRole);
}

export async function freshDatabase(): Promise<TestDatabase> {
  const server = await serverUrl();
  const template = await ensureTemplate(server);
  const name = uniqueName();
  await withAdmin(server, (admin) => admin.query(`CREATE DATABASE ${name} OWNER ${template}_owner TEMPLATE ${template}`));
  const runtimeRole = `${template}_app`;
  const url = asRole(server, name, runtimeRole);
  const ownerUrl = asRole(server, name, `${template}_owner`);
  const sequelize = createSequelize(url);
  const owner = createOwnerSequelize(ownerUrl);
  return {
    url,
    ownerUrl,
    name,
    runtimeRole,
    sequelize,
    owner,
    async drop() {
      await Promise.all([sequelize.close(), owner.close()]);
      await withAdmin(server, (admin) => dropDatabase(admin, name));
    },
  };
}

/**
 * The runtime connection with an undo: while `rolledBack(work)` runs, every transaction the
 * application opens on `db.sequelize` is a savepoint of one outer transaction, which is rolled
 * back after the work. Commands run as they do (a savepoint commits as a transaction would, for
 * what follows in the same work), yet leave nothing behind, at the cost of one ROLLBACK.
 */
export function undoableDatabase(db: TestDatabase): { db: TestDatabase; rolledBack<T>(work: () => Promise<T>): Promise<T> } {
  let outer: Transaction | undefined;
  const sequelize = new Proxy(db.sequelize, {
    get(target, key) {
      if (key === 'transaction') {
        return (options: TransactionOptions = {}) => target.transaction(outer ? { ...options, transaction: outer } : options);
      }
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    db: { ...db, sequelize },
    async rolledBack(work) {
      outer = await db.sequelize.transaction();
      try {
        return await work();
      } finally {
        const done = outer;
        outer = undefined;
        await done.rollback();
      }
    },
  };
}

/**
 * Resolves once a connection to `database` waits for a lock, or once `work` settles (it did not
 * wait then): a serial test of a wait checks next that the work is still pending, without
 * guessing how long the other connection needs to reach the lock. Asked as the superuser, the
 * one role that sees what the connections of every other wait for.
 */
export async function blockedOrSettled(database: string, work: Promise<unknown>): Promise<void> {
  let settled = false;
  work.then(
    () => (settled = true),
    () => (settled = true),
  );
  await withAdmin(await serverUrl(), async (admin) => {
    while (!settled) {
      const waiting = await admin.query(`SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`, [database]);
      if (waiting.rowCount) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
}
