/**
 * Export benchmark (npm run bench:export, after npm run build): the demo data plus
 * BENCH_CLIENTS clients (100,000 by default, bench-user.ts), then `client list --all --format
 * csv` through bin/epic.js into a file, each run alternating with psql's `\copy` of the same
 * sorted rows and with `epic whoami` (the start-up every command pays), BENCH_RUNS rounds (5).
 * Prints medians: rows per second with and without the start-up, and the peak memory, next to
 * psql's; then one salesperson's twentieth of the clients, whose memory must be the same; then
 * the export as it runs by default, through the warm process.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { embeddedAdminUrl } from '../lib/db/embedded';
import { stopWarm } from '../lib/warm/client';
import { removeEmbeddedDatabase } from '../test/helpers/cluster';
import { benchUser, EPIC, waitForWarmProcesses } from './bench-user';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100_000);
const user = benchUser('epic-bench-export');

/** What the export reads, in its order (lib/services/clients.ts), for psql. */
const SAME_ROWS = `SELECT c.id, c."fullName", c.email, c.phone, c."companyName", s."fullName", c."createdAt", c."updatedAt", c."lastContactAt"
  FROM clients c LEFT JOIN collaborators s ON s.id = c."salesContactId" ORDER BY c."foldedName", c.id`;

async function main(): Promise<void> {
  // In the command's own process, where its memory is: not answered by a warm process (lib/warm).
  Object.assign(user.env, { EPIC_WARM: '0' });
  try {
    user.loadDemo();
    console.log(`loading ${CLIENTS.toLocaleString('en')} clients...`);
    await user.loadBulk(CLIENTS);
    user.logInAsSales();
    await measure();
  } finally {
    // The warm process the last measure started holds a connection: it leaves before the database.
    await stopWarm(user.env);
    await removeEmbeddedDatabase(user.dataDir);
    user.cleanUp();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The export into a file: its time, peak memory and data lines. */
function exported(extra: string[]): { seconds: number; peakMb: number; rows: number } {
  const file = path.join(user.home, 'export.csv');
  const fd = fs.openSync(file, 'w');
  const run = user.measured(['client', 'list', '--all', '--format', 'csv', ...extra], fd);
  fs.closeSync(fd);
  return { ...run, rows: fs.readFileSync(file, 'utf8').split('\r\n').length - 2 };
}

/** psql's \copy of the same rows into a file, as the database owner; undefined without psql. */
function psqlCopy(): { seconds: number; rows: number } | undefined {
  const file = path.join(user.home, 'psql.csv');
  const start = process.hrtime.bigint();
  const result = spawnSync('psql', [embeddedAdminUrl(user.dataDir, 'owner') ?? '', '-X', '-q', '-c', `\\copy (${SAME_ROWS.replace(/\s+/g, ' ')}) to '${file}' csv`], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.error) return undefined;
  if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`);
  return { seconds, rows: fs.readFileSync(file, 'utf8').split('\n').length - 1 };
}

async function measure(): Promise<void> {
  const epic: { seconds: number; peakMb: number; rows: number }[] = [];
  const psql: number[] = [];
  const startUp: { seconds: number; peakMb: number }[] = [];
  let psqlRows = 0;
  for (let round = -1; round < RUNS; round++) {
    const e = exported([]);
    const p = psqlCopy();
    const s = user.measured(['whoami']);
    if (round < 0) continue; // a warm-up round: caches of the server and of the compiled code
    epic.push(e);
    startUp.push(s);
    if (p) {
      psql.push(p.seconds);
      psqlRows = p.rows;
    }
  }
  const rows = epic[0].rows;
  const seconds = median(epic.map((e) => e.seconds));
  const start = median(startUp.map((s) => s.seconds));
  const rate = (n: number, s: number) => `${Math.round(n / s).toLocaleString('en')} rows/s`;
  console.log(`\n${rows.toLocaleString('en')} clients, medians of ${RUNS} alternating rounds (load average ${loadAverage()}):`);
  console.log(`  epic client list --all --format csv   ${seconds.toFixed(2)} s: ${rate(rows, seconds)}, peak memory ${median(epic.map((e) => e.peakMb)).toFixed(0)} MB`);
  console.log(`  the same without the start-up         ${(seconds - start).toFixed(2)} s: ${rate(rows, seconds - start)} (epic whoami: ${start.toFixed(2)} s, peak ${median(startUp.map((s) => s.peakMb)).toFixed(0)} MB)`);
  if (psql.length) console.log(`  psql \\copy of the same rows            ${median(psql).toFixed(2)} s: ${rate(psqlRows, median(psql))}`);
  else console.log('  psql: not installed');
  const few = exported(['--sales', 'Hugo Bernard']);
  console.log(`  --sales Hugo Bernard (${few.rows.toLocaleString('en')} rows)     ${few.seconds.toFixed(2)} s, peak memory ${few.peakMb.toFixed(0)} MB`);
  const warm = await throughWarmProcess();
  console.log(`  through the warm process (the default)  ${warm.toFixed(2)} s: ${rate(rows, warm)}`);
}

/** The export as a user runs it by default, answered by the warm process (README, "Start-up time"): the median of RUNS, after one that starts it. */
async function throughWarmProcess(): Promise<number> {
  const env = { ...user.env, EPIC_WARM: '' };
  const file = path.join(user.home, 'warm.csv');
  const run = () => {
    const fd = fs.openSync(file, 'w');
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [EPIC, 'client', 'list', '--all', '--format', 'csv'], { env, stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
    fs.closeSync(fd);
    if (result.status !== 0) throw new Error(`the export through the warm process failed: ${result.stderr}`);
    return Number(process.hrtime.bigint() - start) / 1e9;
  };
  run();
  // Started in the background by that run: the runs measured must not start another.
  await waitForWarmProcesses(env, 1);
  return median(Array.from({ length: RUNS }, run));
}

function loadAverage(): string {
  return fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
