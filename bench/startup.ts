/**
 * Start-up benchmark (npm run bench): medians of repeated one-shot runs of `epic --version`
 * and `epic client list` on the seeded demo data, against `node -e 0`. The target for
 * `epic client list` is a median under 0.3 s on the development machine.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const EPIC = path.join(ROOT, 'bin', 'epic.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const TARGET_SECONDS = 0.3;

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'epic-bench-'));
const env = {
  ...process.env,
  EPIC_DATA_DIR: path.join(home, 'data'),
  XDG_CONFIG_HOME: path.join(home, 'config'),
  EPIC_DB_IDLE_MINUTES: '2',
  DATABASE_URL: '',
  SENTRY_DSN: '',
};

function epic(args: string[], input?: string): void {
  const result = spawnSync(process.execPath, [EPIC, ...args], { env, input, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`epic ${args.join(' ')} failed: ${result.stderr}`);
}

function median(command: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(command[0], command.slice(1), { env, stdio: ['ignore', 'ignore', 'pipe'] });
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
    if (result.status !== 0) throw new Error(`${command.join(' ')} failed: ${result.stderr}`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

epic(['db', 'demo']);
epic(['login', 'hugo.bernard@epic-events.fr', '--password-stdin'], 'copper-meadow-falcon-17\n');
epic(['client', 'list']); // warm the file cache once

const rows: [string, number][] = [
  ['node -e 0', median([process.execPath, '-e', '0'])],
  ['epic --version', median([process.execPath, EPIC, '--version'])],
  ['epic client list', median([process.execPath, EPIC, 'client', 'list'])],
];
console.log(`median of ${RUNS} runs each, embedded PostgreSQL with the demo data`);
for (const [name, seconds] of rows) console.log(`${name.padEnd(18)} ${seconds.toFixed(3)} s`);
const list = rows[2][1];
console.log(`target: epic client list under ${TARGET_SECONDS} s: ${list < TARGET_SECONDS ? 'met' : 'MISSED'}`);
spawnSync(process.execPath, [EPIC, 'db', 'stop'], { env });
fs.rmSync(home, { recursive: true, force: true });
process.exitCode = list < TARGET_SECONDS ? 0 : 1;
