import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import pg from 'pg';
import { embeddedAdminUrl, embeddedStatus, EmbeddedDatabaseError, ensureEmbeddedDatabase, stopEmbeddedDatabase } from '../lib/db/embedded';
import { projectRoot } from '../lib/paths';

/** The zero-setup database: each test gets its own data folder, so its own server. */

const run = promisify(execFile);
const CLIENT = path.join(projectRoot(), 'test', 'helpers', 'embedded-client.ts');
const nodeArgs = ['--import', 'tsx', CLIENT];

const folders: string[] = [];
function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epic-embedded-'));
  folders.push(dir);
  return dir;
}

test.after.always(async () => {
  for (const dir of folders) await stopEmbeddedDatabase(dir).catch(() => undefined);
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
  const url = await ensureEmbeddedDatabase({ dataDir: dir, idleMinutes: 0.02 });
  const client = new pg.Client({ connectionString: url });
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
