import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import pg from 'pg';
import { checkAccount } from '../lib/db/accounts';
import { createOwnerSequelize } from '../lib/db/connection';
import { migrateIfNeeded, migrationNames, undoAllMigrations } from '../lib/db/migrate';
import { projectRoot } from '../lib/paths';
import { emptyDatabase, runtimeUrlOf } from './helpers/database';

const run = promisify(execFile);

async function tables(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename");
    return result.rows.map((row) => row.tablename as string);
  } finally {
    await client.end();
  }
}

async function runtimeRole(url: string, name: string): Promise<Record<string, boolean> | undefined> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query(
      'SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolbypassrls, rolinherit FROM pg_roles WHERE rolname = $1',
      [name],
    );
    return result.rows[0];
  } finally {
    await client.end();
  }
}

const SCHEMA = ['SequelizeMeta', 'client_contacts', 'clients', 'collaborator_contacts', 'collaborators', 'contracts', 'events', 'history', 'installation', 'security_policy', 'sessions'];
const RUNTIME_ATTRIBUTES = { rolcanlogin: true, rolsuper: false, rolcreatedb: false, rolcreaterole: false, rolbypassrls: false, rolinherit: false };

test('the owner migrates up, all the way down, and up again; the runtime role comes and goes with the schema', async (t) => {
  const db = await emptyDatabase();
  const sequelize = createOwnerSequelize(db.ownerUrl);
  try {
    t.deepEqual(await migrateIfNeeded(sequelize), migrationNames());
    t.deepEqual(await tables(db.url), SCHEMA);
    t.deepEqual(await runtimeRole(db.url, db.runtimeRole), RUNTIME_ATTRIBUTES);
    t.deepEqual(await migrateIfNeeded(sequelize), [], 'nothing pending the second time');
    await undoAllMigrations(sequelize);
    t.deepEqual(await tables(db.url), ['SequelizeMeta']);
    t.is(await runtimeRole(db.url, db.runtimeRole), undefined);
    t.deepEqual(await migrateIfNeeded(sequelize), migrationNames());
    t.deepEqual(await tables(db.url), SCHEMA);
    t.deepEqual(await runtimeRole(db.url, db.runtimeRole), RUNTIME_ATTRIBUTES);
  } finally {
    await sequelize.close();
    await db.drop();
  }
});

test('sequelize-cli runs the same migrations and seeders with the owner URL', async (t) => {
  const db = await emptyDatabase();
  const cli = path.join(projectRoot(), 'node_modules', '.bin', 'sequelize-cli');
  const env = { ...process.env, DATABASE_URL: db.ownerUrl };
  const options = { cwd: projectRoot(), env };
  try {
    await run(cli, ['db:migrate'], options);
    t.deepEqual(await tables(db.url), SCHEMA);
    await run(cli, ['db:seed:all'], options);
    const client = new pg.Client({ connectionString: db.ownerUrl });
    await client.connect();
    const counts = await client.query(
      `SELECT (SELECT count(*) FROM collaborators)::int AS collaborators, (SELECT count(*) FROM clients)::int AS clients,
              (SELECT count(*) FROM contracts)::int AS contracts, (SELECT count(*) FROM events)::int AS events,
              (SELECT count(*) FROM events WHERE "supportContactId" IS NULL)::int AS unassigned,
              (SELECT count(*) FROM events WHERE "endsAt" < now())::int AS past`,
    );
    await client.end();
    t.like(counts.rows[0], { collaborators: 5, clients: 20, contracts: 25, events: 10 });
    t.true(counts.rows[0].unassigned > 0 && counts.rows[0].past > 0);
    // The application sees the CLI's migrations as applied, as the owner and as the runtime role.
    const owner = createOwnerSequelize(db.ownerUrl);
    t.deepEqual(await migrateIfNeeded(owner), []);
    await owner.close();
    const runtime = createOwnerSequelize(await runtimeUrlOf(db));
    t.like(await checkAccount(runtime), { user: db.runtimeRole, superuser: false, bypassRls: false, ownsTables: false, pending: [] });
    await runtime.close();
    await run(cli, ['db:seed:undo:all'], options);
    await run(cli, ['db:migrate:undo:all'], options);
    t.deepEqual(await tables(db.url), ['SequelizeMeta']);
  } finally {
    await db.drop();
  }
});
