/**
 * Start-up benchmark (npm run bench): medians of repeated one-shot runs of `epic --version`
 * and `epic client list` on the seeded demo data, against `node -e 0`. The target for
 * `epic client list` is a median under 0.3 s on the development machine.
 */
import { benchUser, EPIC } from './bench-user';

const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const TARGET_SECONDS = 0.3;

const user = benchUser('epic-bench');
try {
  user.loadDemo();
  user.logInAsSales();
  user.epic(['client', 'list']); // warm the file and compile caches once
  const rows: [string, number][] = [
    ['node -e 0', user.median([process.execPath, '-e', '0'], RUNS)],
    ['epic --version', user.median([process.execPath, EPIC, '--version'], RUNS)],
    ['epic client list', user.median([process.execPath, EPIC, 'client', 'list'], RUNS)],
  ];
  console.log(`median of ${RUNS} runs each, embedded PostgreSQL with the demo data`);
  for (const [name, seconds] of rows) console.log(`${name.padEnd(18)} ${seconds.toFixed(3)} s`);
  const list = rows[2][1];
  console.log(`target: epic client list under ${TARGET_SECONDS} s: ${list < TARGET_SECONDS ? 'met' : 'MISSED'}`);
  process.exitCode = list < TARGET_SECONDS ? 0 : 1;
} finally {
  user.cleanUp();
}
