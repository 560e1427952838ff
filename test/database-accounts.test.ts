import test from 'ava';
import pg from 'pg';
import { checkAccount } from '../lib/db/accounts';
import { createOwnerSequelize } from '../lib/db/connection';
import { translateDatabaseError } from '../lib/db/errors';
import { migrateIfNeeded } from '../lib/db/migrate';
import { openDatabase } from '../lib/db/open';
import { readConfig } from '../lib/config';
import { DatabaseUnavailable, PermissionDenied, UsageError } from '../lib/errors';
import { emptyDatabase, freshDatabase, runtimeUrlOf, serverUrl, withDatabase, type TestDatabase } from './helpers/database';
import { epicUserInProcess } from './helpers/epic-in-process';

/** Which database accounts a shell accepts, and the administrator's `epic db migrate` (run as `epic` runs a command, in this process). */

let db: TestDatabase;

test.before(async () => {
  db = await freshDatabase();
});

test.after.always(async () => {
  await db?.drop();
});

const serverConfig = (url: string) => readConfig({ DATABASE_URL: url, HOME: '/nonexistent' });

test('a shell runs as the runtime role', async (t) => {
  const sequelize = await openDatabase(serverConfig(db.url));
  try {
    const [[row]] = (await sequelize.query('SELECT current_user AS name')) as [{ name: string }[], unknown];
    t.is(row.name, db.runtimeRole);
  } finally {
    await sequelize.close();
  }
});

test('a shell refuses a superuser and the owner of the tables, naming the runtime role to use', async (t) => {
  const superuser = withDatabase(await serverUrl(), db.name);
  const refused = (kind: RegExp) => ({ instanceOf: UsageError, message: new RegExp(`${kind.source}.*connect as the runtime role ${db.runtimeRole}`) });
  await t.throwsAsync(openDatabase(serverConfig(superuser)), refused(/is a superuser/));
  await t.throwsAsync(openDatabase(serverConfig(db.ownerUrl)), refused(/is the owner of the CRM's tables/));
  t.is(new UsageError('').exitCode, 2);
});

test('a shell refuses a role that bypasses row-level security', async (t) => {
  const server = await serverUrl();
  const role = `${db.name}_bypass`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(`CREATE ROLE ${role} LOGIN BYPASSRLS PASSWORD 'bypass-${db.name}'`);
    const url = new URL(withDatabase(server, db.name));
    url.username = role;
    url.password = `bypass-${db.name}`;
    await t.throwsAsync(openDatabase(serverConfig(url.toString())), { instanceOf: UsageError, message: /is a role with BYPASSRLS/ });
  } finally {
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  }
});

test('on a server, a shell whose schema is behind asks for the administrator instead of migrating', async (t) => {
  const empty = await emptyDatabase();
  try {
    const owner = createOwnerSequelize(empty.ownerUrl);
    await migrateIfNeeded(owner);
    await owner.query(`DELETE FROM "SequelizeMeta" WHERE name = (SELECT max(name) FROM "SequelizeMeta")`);
    await owner.close();
    await t.throwsAsync(openDatabase(serverConfig(await runtimeUrlOf(empty))), {
      instanceOf: DatabaseUnavailable,
      message: 'the database schema is behind this version of epic: ask your administrator to run `epic db migrate`',
    });
  } finally {
    await empty.drop();
  }
});

test('a refusal by the database is PermissionDenied (exit 4)', async (t) => {
  const error = await db.sequelize
    .query(`INSERT INTO clients ("fullName", email, phone, "salesContactId", "createdAt", "updatedAt") VALUES ('X', 'x@x.test', '+33612345678', 1, now(), now())`)
    .catch((caught: unknown) => translateDatabaseError(caught));
  t.true(error instanceof PermissionDenied);
  t.regex((error as PermissionDenied).message, /^permission denied: the database refused it \(.*row-level security/);
  t.is((error as PermissionDenied).exitCode, 4);
});

async function passwordOf(role: string): Promise<string | null> {
  const admin = new pg.Client({ connectionString: await serverUrl() });
  await admin.connect();
  try {
    return (await admin.query('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [role])).rows[0]?.rolpassword ?? null;
  } finally {
    await admin.end();
  }
}

test('epic db migrate: the owner migrates, and the runtime URL is printed once, or again on request', async (t) => {
  const empty = await emptyDatabase();
  const user = epicUserInProcess(empty.url.replace(/\/\/[^@]*@/, '//nobody@'));
  try {
    const first = await user.run(['db', 'migrate', '--admin-url', empty.ownerUrl]);
    t.is(first.code, 0, first.stderr);
    t.regex(first.stderr, /^migrated: 20261129000001-create-collaborators.ts, /);
    const url = first.stdout.trim();
    t.is(decodeURIComponent(new URL(url).username), empty.runtimeRole);
    const runtime = createOwnerSequelize(url);
    t.like(await checkAccount(runtime), { user: empty.runtimeRole, superuser: false, bypassRls: false, ownsTables: false, pending: [] });
    await runtime.close();

    const again = await user.run(['db', 'migrate'], '', { EPIC_ADMIN_DATABASE_URL: empty.ownerUrl });
    t.deepEqual(again, { code: 0, stdout: '', stderr: 'the database schema is up to date\n' }, 'the password is shown only when it is new');

    const before = await passwordOf(empty.runtimeRole);
    const renewed = await user.run(['db', 'migrate', '--new-runtime-password', '--admin-url', empty.ownerUrl]);
    t.is(renewed.code, 0, renewed.stderr);
    t.not(renewed.stdout.trim(), url);
    t.not(await passwordOf(empty.runtimeRole), before);
    const fresh = new pg.Client({ connectionString: renewed.stdout.trim() });
    await fresh.connect();
    t.is((await fresh.query('SELECT current_user AS name')).rows[0].name, empty.runtimeRole);
    await fresh.end();
  } finally {
    await empty.drop();
  }
});

test('epic db migrate on a server needs the owner URL', async (t) => {
  const user = epicUserInProcess(db.url);
  const result = await user.run(['db', 'migrate']);
  t.is(result.code, 2);
  t.regex(result.stderr, /needs the owner account of the database: set EPIC_ADMIN_DATABASE_URL or give --admin-url URL/);
});
