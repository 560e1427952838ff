/**
 * Start-up benchmark (npm run bench): one-shot commands on the demo data, a salesperson logged
 * in, each run paired with `node -e 0` in the same loop, so that the ratio holds on a loaded
 * machine too. The target (README, "Start-up time"): every command within 1.5x of `node -e 0`,
 * and SENTRY_DSN, with nothing to send, adding at most 30 ms.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { removeEmbeddedDatabase } from '../test/helpers/cluster';
import { benchUser, EPIC } from './bench-user';

const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const RATIO_TARGET = 1.5;
const SENTRY_TARGET_SECONDS = 0.03;

/** Median wall times of `command` and of `node -e 0`, run alternately `runs` times. */
function paired(env: NodeJS.ProcessEnv, command: string[], runs: number): { command: number; node: number } {
  const times = { command: [] as number[], node: [] as number[] };
  const timed = (argv: string[]) => {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, argv, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    if (result.status !== 0) throw new Error(`${argv.join(' ')} exited with ${result.status}: ${result.stderr}`);
    return Number(process.hrtime.bigint() - start) / 1e9;
  };
  for (let i = 0; i < runs; i++) {
    times.node.push(timed(['-e', '0']));
    times.command.push(timed([EPIC, ...command]));
  }
  const median = (list: number[]) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)];
  return { command: median(times.command), node: median(times.node) };
}

async function main(): Promise<number> {
  // A Sentry that records what it gets: a command with nothing to report must send nothing.
  const received: string[] = [];
  const sentry = http.createServer((request, response) => {
    received.push(`${request.method} ${request.url}`);
    response.end('{}');
  });
  await new Promise<void>((resolve) => sentry.listen(0, '127.0.0.1', resolve));
  const dsn = `http://key@127.0.0.1:${(sentry.address() as AddressInfo).port}/1`;
  const user = benchUser('epic-bench');
  try {
    user.loadDemo();
    user.logInAsSales();
    user.epic(['client', 'list']); // warm the file and compile caches once
    const withSentry = { ...user.env, SENTRY_DSN: dsn };
    const cases: [string, NodeJS.ProcessEnv, string[]][] = [
      ['epic --version', user.env, ['--version']],
      ['epic help', user.env, ['help']],
      ['epic whoami', user.env, ['whoami']],
      ['epic client list', user.env, ['client', 'list']],
      ['  with SENTRY_DSN', withSentry, ['client', 'list']],
    ];
    console.log(`medians of ${RUNS} runs, each paired with node -e 0; embedded PostgreSQL, demo data; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    let met = true;
    const results = new Map<string, number>();
    for (const [name, env, argv] of cases) {
      const { command, node } = paired(env, argv, RUNS);
      results.set(name, command);
      const ratio = command / node;
      met &&= ratio <= RATIO_TARGET;
      console.log(`${name.padEnd(18)} ${command.toFixed(3)} s   node -e 0 ${node.toFixed(3)} s   ratio ${ratio.toFixed(2)} ${ratio <= RATIO_TARGET ? '' : `(target ${RATIO_TARGET})`}`);
    }
    // Let the server read whatever was sent while the loop above held the event loop.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const extra = results.get('  with SENTRY_DSN')! - results.get('epic client list')!;
    met &&= extra <= SENTRY_TARGET_SECONDS && received.length === 0;
    console.log(`SENTRY_DSN adds ${(extra * 1000).toFixed(0)} ms (target ${SENTRY_TARGET_SECONDS * 1000} ms); requests Sentry received: ${received.length}`);
    console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; targets ${met ? 'met' : 'MISSED'}`);
    return met ? 0 : 1;
  } finally {
    // As root the cluster lives outside the data folder, in /var/lib/epic-events.
    await removeEmbeddedDatabase(user.dataDir);
    user.cleanUp();
    sentry.close();
  }
}

main().then((code) => {
  process.exitCode = code;
});
