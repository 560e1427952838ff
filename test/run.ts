import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../lib/paths';
import { embeddedAdminUrl, ensureEmbeddedDatabase } from '../lib/db/embedded';
import { removeEmbeddedDatabase } from './helpers/cluster';
import { dropTemplate, ensureTemplate, withAdmin } from './helpers/database';
import { running } from './helpers/processes';

/**
 * `npm test`: ava, with what the test files share set up around it and removed after it,
 * whatever the outcome. Every file a test makes lands in one private folder of this run, on a
 * memory file system where the machine has one (see scratchRoot); without DATABASE_URL, the
 * embedded PostgreSQL that the test files share (its data folder TEST_DATA_DIR, in that folder)
 * is started first, with an idle time longer than any run (its watchdog must not stop it
 * between two short connections of a slow run), and stopped and deleted at the end, its cluster
 * included. As root, clusters live outside data folders (README, "Running as root"): the run
 * gives them a folder of their own beside its own, EPIC_CLUSTER_ROOT. Arguments go to ava as
 * they are. No test compares durations (a loaded machine makes such tests fail at random):
 * speed is measured by the benchmarks (`npm run bench*`).
 *
 * With EPIC_TEST_COVERAGE=1 (CI's embedded run, `npm run coverage`) V8 records which lines of
 * lib/ and models/ the tests ran, and the run fails under 90 % of lines: a rule whose tests
 * were lost shows up there.
 */
async function main(): Promise<number> {
  const scratch = scratchRoot();
  const tmp = fs.mkdtempSync(path.join(scratch, 'epic-test-run-'));
  const clusters = process.getuid?.() === 0 ? fs.mkdtempSync(path.join(scratch, 'epic-test-clusters-')) : undefined;
  // The account PostgreSQL runs as must enter it (mkdtemp makes it 0700).
  if (clusters) fs.chmodSync(clusters, 0o755);
  const dataDir = path.join(tmp, 'test-data');
  // EPIC_BCRYPT_COST: the databases the tests migrate themselves hash at the lowest cost the
  // policy allows (12 by default), as the test template does.
  const shared = { TMPDIR: tmp, TEST_CODE_CACHE: path.join(tmp, 'code-cache'), TEST_DATA_DIR: dataDir, EPIC_BCRYPT_COST: '10' };
  Object.assign(process.env, shared, clusters && { EPIC_CLUSTER_ROOT: clusters });
  const args = process.argv.slice(2);
  const coverage = process.env.EPIC_TEST_COVERAGE === '1' ? path.join(tmp, 'coverage') : undefined;
  // Given to ava alone, which hands it to the tests and their children. In this process's own
  // environment it would also reach the worker threads this process starts later (esbuild's,
  // behind tsx, when a module is compiled), which write their report as it exits: into the run's
  // folder after it was removed, making it again (one file left in /dev/shm after some runs).
  const testEnv = coverage ? { ...process.env, NODE_V8_COVERAGE: coverage } : process.env;
  let code = 1;
  // The whole suite is type-checked too, beside the start of the server and the migration of
  // the test template, which leave a core idle.
  const typeCheck = args.length === 0 ? typeCheckBeside() : undefined;
  const compiled = compileAhead();
  try {
    if (!process.env.DATABASE_URL) {
      await ensureEmbeddedDatabase({ dataDir, idleMinutes: 24 * 60 });
      await withoutDurability(dataDir);
    }
    // Made here, before the test files start, rather than by the first of them while the others wait for it.
    await ensureTemplate(process.env.DATABASE_URL || embeddedAdminUrl(dataDir, 'superuser', 'postgres')!);
    await compiled;
    code = await ava(args, testEnv);
    if (typeCheck) code = (await typeCheck) || code;
    if (coverage && !interrupted) code = (await checkCoverage(coverage)) || code;
  } finally {
    if (process.env.DATABASE_URL) {
      await dropTemplate(process.env.DATABASE_URL).catch((error: Error) => console.error(`the test template could not be removed: ${error.message}`));
    } else await removeEmbeddedDatabase(dataDir);
    await stopLeftovers(tmp);
    fs.rmSync(tmp, { recursive: true, force: true });
    if (clusters) fs.rmSync(clusters, { recursive: true, force: true });
  }
  return code;
}

/**
 * Where the run's files go: Linux's /dev/shm, a memory file system, where the machine has it
 * with room to spare. Each test file clones a database of some 400 files, and test clusters are
 * made by initdb; on the development machine's disk creating a file costs 0.3 to 0.7 ms of
 * system time (0.01 ms in memory), so that one clone took 0.3 s of CPU. A run with coverage
 * peaked at about 500 MB there; a container's /dev/shm is often 64 MB, hence the room asked for.
 * What a run leaves there is removed at its end.
 */
function scratchRoot(): string {
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    const { bavail, bsize } = fs.statfsSync('/dev/shm');
    if (bavail * bsize >= SCRATCH_ROOM) return '/dev/shm';
  } catch {
    // No /dev/shm here.
  }
  return os.tmpdir();
}

const SCRATCH_ROOM = 2 * 1024 ** 3;

/**
 * Processes the tests started that outlive the run: the watchdog of a cluster a test removed
 * notices it up to 30 s later, then exits, and with coverage on writes its report into the
 * run's folder, making it again after it was removed. They are known by the run's TMPDIR in
 * their environment, or by its NODE_V8_COVERAGE, which Node.js hands to every child whatever
 * its environment (Linux only: elsewhere nothing is looked for); a process of someone's that
 * merely works in the folder is not one of them. They are asked to stop and waited for (5 s at
 * most).
 */
async function stopLeftovers(tmp: string): Promise<void> {
  if (process.platform !== 'linux') return;
  const marks = [`TMPDIR=${tmp}`, `NODE_V8_COVERAGE=${path.join(tmp, 'coverage')}`];
  const ofTheRun = (pid: string) => {
    try {
      return fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').some((entry) => marks.includes(entry));
    } catch {
      return false;
    }
  };
  const leftovers = fs.readdirSync('/proc').filter((pid) => /^\d+$/.test(pid) && ofTheRun(pid));
  for (const pid of leftovers) {
    try {
      // Asked again just before: a process that ended meanwhile may have left its pid to another.
      if (ofTheRun(pid)) process.kill(Number(pid), 'SIGTERM');
    } catch {
      // Gone meanwhile.
    }
  }
  for (let waited = 0; waited < 5000 && leftovers.some((pid) => running(Number(pid))); waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
}

/**
 * The shared cluster is deleted at the end of the run: waiting for the disk at every commit,
 * and for every database a test file clones and drops, buys nothing.
 */
function withoutDurability(dataDir: string): Promise<unknown> {
  return withAdmin(embeddedAdminUrl(dataDir, 'superuser', 'postgres')!, async (admin) => {
    for (const setting of ['fsync', 'synchronous_commit', 'full_page_writes']) await admin.query(`ALTER SYSTEM SET ${setting} = off`);
    await admin.query('SELECT pg_reload_conf()');
  });
}

/**
 * `tsc` on the whole project (tests included), incremental; its errors are printed after ava's
 * report, not inside it.
 */
function typeCheckBeside(): Promise<number> {
  const tsc = path.join(projectRoot(), 'node_modules', 'typescript', 'bin', 'tsc');
  const buildInfo = path.join(projectRoot(), 'node_modules', '.cache', 'epic-events', 'tsc.tsbuildinfo');
  const child = spawn(process.execPath, [tsc, '-p', '.', '--incremental', '--tsBuildInfoFile', buildInfo], { cwd: projectRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return statusOf(child).then((status) => {
    if (status !== 0) process.stderr.write(`\n  ✘ the type check failed (tsc):\n${output}\n`);
    return status;
  });
}

/**
 * test/helpers/compile-ahead.ts, beside the start of the server: the TypeScript of every shared
 * module is transformed once before the test files start. Only a cache is at stake, so its
 * outcome is not the run's: a module that fails to load fails the tests that load it.
 */
function compileAhead(): Promise<number> {
  // Out of the coverage: loading a module is not testing it.
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(projectRoot(), 'test', 'helpers', 'compile-ahead.ts')], { cwd: projectRoot(), stdio: 'ignore' });
  return statusOf(child);
}

let interrupted = false;

const MINIMUM_LINE_COVERAGE = 90;

/** c8 reads what V8 wrote for every process of the run, prints the summary and fails under the minimum. */
function checkCoverage(directory: string): Promise<number> {
  const c8 = path.join(projectRoot(), 'node_modules', 'c8', 'bin', 'c8.js');
  const args = ['report', '--temp-directory', directory, '--include', 'lib', '--include', 'models', '--reporter', 'text-summary', '--check-coverage', '--lines', String(MINIMUM_LINE_COVERAGE)];
  const child = spawn(process.execPath, [c8, ...args], { stdio: 'inherit', cwd: projectRoot() });
  return statusOf(child);
}

function ava(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const cli = path.join(projectRoot(), 'node_modules', 'ava', 'entrypoints', 'cli.mjs');
  const child = spawn(process.execPath, [cli, ...args], { stdio: 'inherit', env });
  const forward = (signal: NodeJS.Signals) => {
    interrupted = true;
    child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return statusOf(child).finally(() => {
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
  });
}

/** How a child of the run ended: its exit status, 1 when a signal ended it. */
async function statusOf(child: ChildProcess): Promise<number> {
  const [status] = (await once(child, 'close')) as [number | null];
  return status ?? 1;
}

main().then((code) => process.exit(code));
