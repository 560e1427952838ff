import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import pg from 'pg';
import { embeddedAdminUrl, embeddedStatus, EmbeddedDatabaseError, ensureEmbeddedDatabase, stopEmbeddedDatabase } from '../lib/db/embedded';
import { readConfig } from '../lib/config';
import { openDatabase } from '../lib/db/open';
import { projectRoot } from '../lib/paths';
import { removeEmbeddedDatabase } from './helpers/cluster';

/**
 * The zero-setup database. A test that stops, kills, changes or races a server gets a data
 * folder of its own, so its own server; the tests that only read what a first start made share
 * one (each cluster costs an initdb, a server and a watchdog).
 */

const run = promisify(execFile);
const CLIENT = path.join(projectRoot(), 'test', 'helpers', 'embedded-client.ts');
const nodeArgs = ['--require', 'tsx/cjs', CLIENT];

const folders: string[] = [];
function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epic-embedded-'));
  folders.push(dir);
  return dir;
}

/** The data folder of the tests that only read, started once by the first that asks; and its runtime URL. */
let shared: Promise<{ dir: string; url: string }> | undefined;
function sharedServer(): Promise<{ dir: string; url: string }> {
  return (shared ??= (async () => {
    const dir = dataDir();
    return { dir, url: await ensureEmbeddedDatabase({ dataDir: dir, idleMinutes: 5 }) };
  })());
}

test.after.always(async () => {
  for (const dir of folders) await removeEmbeddedDatabase(dir);
});

async function waitFor(condition: () => boolean, seconds: number): Promise<boolean> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return condition();
}

function writer(dir: string, text: string): Promise<{ kill(): void; started: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, dir, 'write', text], { cwd: projectRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const ready = /ready (.+)\n/.exec(out);
      if (ready) resolve({ kill: () => child.kill('SIGKILL'), started: ready[1] });
    });
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('exit', (code) => reject(new Error(`writer exited with ${code}: ${err}`)));
  });
}

async function read(dir: string): Promise<string[]> {
  const { stdout } = await run(process.execPath, [...nodeArgs, dir, 'read'], { cwd: projectRoot() });
  return JSON.parse(stdout);
}

test('starts on first use, serves two processes at once, and keeps data after a SIGKILLed user', async (t) => {
  const dir = dataDir();
  const [first, second] = await Promise.all([writer(dir, 'from first'), writer(dir, 'from second')]);
  t.is(first.started, second.started, 'both processes use one server');
  t.true(embeddedStatus(dir).running);
  t.is(fs.statSync(dir).mode & 0o777, 0o700);
  first.kill();
  second.kill();
  t.deepEqual(await read(dir), ['from first', 'from second']);
});

test('the cluster folds the case of accented letters as a server with a UTF-8 locale does', async (t) => {
  const client = new pg.Client({ connectionString: (await sharedServer()).url });
  await client.connect();
  try {
    const { rows } = await client.query("SELECT lower('ÉTÉ GALA À L''ŒIL') AS lower, upper('été') AS upper");
    t.deepEqual(rows, [{ lower: 'été gala à l\'œil', upper: 'ÉTÉ' }]);
  } finally {
    await client.end();
  }
});

test('a server killed with SIGKILL leaves its data, and the next start works', async (t) => {
  const dir = dataDir();
  await ensureEmbeddedDatabase({ dataDir: dir, idleMinutes: 5 });
  const client = new pg.Client({ connectionString: embeddedAdminUrl(dir, 'owner') });
  await client.connect();
  await client.query('CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)');
  await client.end();
  const { pid } = embeddedStatus(dir);
  process.kill(pid!, 'SIGKILL');
  t.true(await waitFor(() => !embeddedStatus(dir).running, 10));
  await ensureEmbeddedDatabase({ dataDir: dir, idleMinutes: 5 });
  const again = new pg.Client({ connectionString: embeddedAdminUrl(dir, 'owner') });
  await again.connect();
  t.deepEqual((await again.query('SELECT n FROM kept')).rows, [{ n: 42 }]);
  await again.end();
  t.not(embeddedStatus(dir).pid, pid);
});

test('the server stops by itself after its idle time without clients', async (t) => {
  const dir = dataDir();
  await ensureEmbeddedDatabase({ dataDir: dir, idleMinutes: 0.02 });
  // A client of another role than the one the watchdog counts as (tests, migrations) counts too.
  const client = new pg.Client({ connectionString: embeddedAdminUrl(dir, 'owner') });
  await client.connect();
  // While a client is connected the server stays up.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  t.true(embeddedStatus(dir).running);
  await client.end();
  t.true(await waitFor(() => !embeddedStatus(dir).running, 30), 'stopped after the idle time');
});

test('an unwritable data folder and a taken port are explained', async (t) => {
  const file = path.join(dataDir(), 'a-file');
  fs.writeFileSync(file, '');
  await t.throwsAsync(ensureEmbeddedDatabase({ dataDir: path.join(file, 'data'), idleMinutes: 5 }), {
    instanceOf: EmbeddedDatabaseError,
    message: /the data folder .* is not writable \(ENOTDIR\).*EPIC_DATA_DIR/,
  });
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    await t.throwsAsync(ensureEmbeddedDatabase({ dataDir: dataDir(), idleMinutes: 5, port }), {
      instanceOf: EmbeddedDatabaseError,
      message: new RegExp(`port ${port} of the embedded database is taken by another program`),
    });
  } finally {
    blocker.close();
  }
});

async function query<T = Record<string, unknown>>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, values)).rows as T[];
  } finally {
    await client.end();
  }
}

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));

test('the first start creates an owner and a runtime role; db.json holds only what the runtime role needs', async (t) => {
  const { dir, url } = await sharedServer();
  t.is(new URL(url).username, 'epic_app');
  const state = readJson(path.join(dir, 'db.json'));
  t.deepEqual(Object.keys(state).sort(), ['clusterDir', 'port', 'runtimePassword', 'runtimeUser']);
  // README, "Running as root": root's clusters live outside the data folder, `npm test`'s in EPIC_CLUSTER_ROOT.
  t.is(path.dirname(state.clusterDir), process.getuid?.() === 0 ? process.env.EPIC_CLUSTER_ROOT || '/var/lib/epic-events' : dir);
  t.is(decodeURIComponent(new URL(url).password), state.runtimePassword);
  const adminFile = path.join(dir, 'db-admin.json');
  t.deepEqual(Object.keys(readJson(adminFile)).sort(), ['ownerPassword', 'superuserPassword']);
  t.is(fs.statSync(adminFile).mode & 0o777, 0o600);
  const roles = await query(url, `SELECT rolname, rolsuper, rolcreaterole, rolbypassrls, rolinherit FROM pg_roles WHERE rolname IN ('epic_owner', 'epic_app') ORDER BY rolname`);
  t.deepEqual(roles, [
    { rolname: 'epic_app', rolsuper: false, rolcreaterole: false, rolbypassrls: false, rolinherit: false },
    { rolname: 'epic_owner', rolsuper: false, rolcreaterole: true, rolbypassrls: false, rolinherit: true },
  ]);
  t.deepEqual(await query(url, `SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = 'epic'`), [{ owner: 'epic_owner' }]);
  await t.throwsAsync(query(url, 'CREATE TABLE mine (n int)'), { code: '42501' });
});

test('the embedded default migrates itself as the owner, then every command runs as the runtime role', async (t) => {
  const { dir } = await sharedServer();
  const sequelize = await openDatabase(readConfig({ EPIC_DATA_DIR: dir, HOME: dir }));
  try {
    const [[who]] = (await sequelize.query('SELECT current_user AS name')) as [{ name: string }[], unknown];
    t.is(who.name, 'epic_app');
  } finally {
    await sequelize.close();
  }
  const owners = await query(embeddedAdminUrl(dir, 'superuser')!, `SELECT DISTINCT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relnamespace = 'public'::regnamespace`);
  t.deepEqual(owners, [{ owner: 'epic_owner' }]);
});

test('a data folder of the first release (the superuser in db.json, everything owned by it) is upgraded in place', async (t) => {
  const dir = dataDir();
  await ensureEmbeddedDatabase({ dataDir: dir, idleMinutes: 5 });
  // Make it look like the first release left it.
  const superuserPassword = readJson(path.join(dir, 'db-admin.json')).superuserPassword;
  const superuser = embeddedAdminUrl(dir, 'superuser')!;
  await query(superuser, 'CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)');
  await query(embeddedAdminUrl(dir, 'superuser', 'postgres')!, 'ALTER DATABASE epic OWNER TO postgres; DROP ROLE epic_app; DROP ROLE epic_owner');
  const { port, clusterDir } = readJson(path.join(dir, 'db.json'));
  fs.writeFileSync(path.join(dir, 'db.json'), JSON.stringify({ port, password: superuserPassword, clusterDir }));
  fs.rmSync(path.join(dir, 'db-admin.json'));
  await stopEmbeddedDatabase(dir);

  const url = await ensureEmbeddedDatabase({ dataDir: dir, idleMinutes: 5 });
  t.is(new URL(url).username, 'epic_app');
  t.false('password' in readJson(path.join(dir, 'db.json')), 'the superuser password left db.json');
  t.is(readJson(path.join(dir, 'db-admin.json')).superuserPassword, superuserPassword);
  t.deepEqual(await query(embeddedAdminUrl(dir, 'owner')!, `SELECT n, pg_get_userbyid(c.relowner) AS owner FROM kept, pg_class c WHERE c.oid = 'kept'::regclass`), [
    { n: 42, owner: 'epic_owner' },
  ]);
});
