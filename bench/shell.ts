/**
 * The shell at scale (npm run bench:shell): the demo data plus BENCH_CLIENTS clients (100,000 by
 * default), as many contracts and a fifth as many events, spread over 20 salespeople and 10
 * support staff (bench-user.ts). Measured in this process, as the shell runs them: each line
 * through the Runner and a ShellSession of the runtime role (its session checked by the
 * database at every command), its table drawn for a 160-column terminal; Tab completion
 * through the shell's completer. Prints p50 and p95 of each, then:
 *  - the memory growth over BENCH_COMMANDS commands (10,000) after the first tenth of them;
 *  - the export `client list --all` in CSV, TSV and JSON lines through the real binary: rows
 *    per second and peak memory, of every client and of one salesperson's twentieth of them (the
 *    same memory for twenty times the rows is what streaming means).
 * `npm run build` first: the demo, the logins and the export go through bin/epic.js.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { addDays, format } from 'date-fns';
import { createApp } from '../lib/app';
import type { Prompter } from '../lib/session/contracts';
import { readConfig } from '../lib/config';
import { ShellSession } from '../lib/session/shell-session';
import { completeLine } from '../lib/shell/completion';
import { Runner } from '../lib/shell/runner';
import { processStreams } from '../lib/io/streams';
import { removeEmbeddedDatabase } from '../test/helpers/cluster';
import { BENCH_PASSWORD, benchUser } from './bench-user';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 10_000);
const WIDTH = 160;

const user = benchUser('epic-bench-shell');
const soon = format(addDays(new Date(), 30), 'yyyy-MM-dd');

/** Who runs what: each line as that collaborator would type it. */
/** The contract id of an event in the middle of the bulk ones (set once they are loaded). */
let middleEvent = 0;

const lines = (): Record<string, { email: string; demoPassword: string; lines: string[] }> => ({
  sales: {
    email: 'hugo.bernard@epic-events.fr',
    demoPassword: 'copper-meadow-falcon-17',
    lines: [
      'client list',
      'client list --mine',
      'client list --search company 42',
      // Two characters: a piece of the gram index that 6,600 clients hold.
      'client list --search 42',
      // One character: nothing for an index to look up.
      'client list --search 4',
      // Words whose pieces most clients hold but the space between them: no client holds "k 4".
      'client list --search bulk 4',
      // Every bulk client's company: more matches than a search sorts (lib/services/page.ts).
      'client list --search company',
      'client list --search 06 12 00',
      'client list --mine --not-contacted-since 30',
      'client show Kevin Casey',
      `client show #${Math.round(CLIENTS / 2)}`,
      'contract list',
      'contract list --unsigned',
      'contract list --unsigned --mine',
      'contract list --unpaid --mine',
      `contract show ${Math.round(CLIENTS / 2)}`,
      'event list',
      'event list --mine',
      'event list --upcoming',
      'event list --upcoming --mine',
      'event list --past',
      `event list --from ${soon}`,
      'event list --client Kevin Casey',
      // Bulk event names carry their contract's id: one in the middle has an event.
      `event show Bulk event ${middleEvent}`,
    ],
  },
  support: {
    email: 'lucas.moreau@epic-events.fr',
    demoPassword: 'amber-glacier-violin-63',
    lines: ['event list --mine', 'event list --mine --upcoming', 'event list --unassigned'],
  },
  management: {
    email: 'gabrielle.laurent@epic-events.fr',
    demoPassword: 'violet-harbour-lantern-42',
    lines: ['event list --unassigned --upcoming', 'client list --sales Hugo Bernard', 'collaborator list'],
  },
});

/** Unknown names answer with the closest matches and exit 1: measured all the same. */
const FAILING = ['client show Kevin Casy'];

const COMPLETIONS = ['client show c', 'client show client 1', 'client show kev', 'event show bulk event 1', 'event list --client cl', 'client list --sales s'];

const percentile = (times: number[], p: number) => [...times].sort((a, b) => a - b)[Math.min(times.length - 1, Math.floor(times.length * p))];
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

const discard = () =>
  new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  });

const noQuestions: Prompter = { interactive: false, ask: async () => '', askSecret: async () => '', confirm: async () => false };

async function main(): Promise<void> {
  try {
    user.loadDemo();
    console.log(`loading ${CLIENTS.toLocaleString('en')} clients, as many contracts and ${(CLIENTS / 5).toLocaleString('en')} events...`);
    await user.loadBulk(CLIENTS);
    middleEvent = Number(await user.ownerQuery(`SELECT "contractId" FROM events WHERE name LIKE 'Bulk event %' ORDER BY id OFFSET ${CLIENTS / 10} LIMIT 1`));
    for (const who of Object.values(lines())) user.logInAs(who.email, who.demoPassword);
    await inShell();
    exports();
  } finally {
    // As root the cluster lives outside the data folder, in /var/lib/epic-events.
    await removeEmbeddedDatabase(user.dataDir);
    user.cleanUp();
  }
}

async function inShell(): Promise<void> {
  const app = createApp(readConfig({ ...user.env, HOME: user.home } as Record<string, string>));
  const shells = await Promise.all(
    Object.entries(lines()).map(async ([role, who]) => {
      const session = new ShellSession(app, noQuestions);
      await session.login(who.email, BENCH_PASSWORD);
      const runner = new Runner({
        app,
        prompt: noQuestions,
        session,
        keepsRunning: true,
        io: { ...processStreams(), stdout: discard(), stderr: discard(), stdoutIsTerminal: true, stderrIsTerminal: true, columns: WIDTH },
      });
      return { role, session, runner, lines: role === 'sales' ? [...who.lines, ...FAILING] : who.lines };
    }),
  );
  const runs = shells.flatMap((shell) =>
    shell.lines.map((line) => ({ label: `${shell.role.padEnd(10)} ${line}`, run: () => shell.runner.executeLine(line), expected: FAILING.includes(line) ? 1 : 0 })),
  );
  const sales = shells[0];
  const source = { read: sales.session.read.bind(sales.session), commands: () => sales.runner.available() };
  runs.push(
    ...COMPLETIONS.map((line) => ({
      label: `${'sales'.padEnd(10)} Tab after "${line}"`,
      run: async () => {
        await completeLine(source, line, 2);
        return 0;
      },
      expected: 0,
    })),
  );
  const times = runs.map(() => [] as number[]);
  // Round after round, so that every command sees the same machine load.
  for (let round = -10; round < RUNS; round++) {
    for (const [i, { label, run, expected }] of runs.entries()) {
      const start = process.hrtime.bigint();
      const code = await run();
      if (round >= 0) times[i].push(ms(start));
      if (code !== expected) throw new Error(`${label}: exit ${code}`);
    }
  }
  console.log(`\nin the shell, ${RUNS} runs each after 10 warm-up rounds, table output at ${WIDTH} columns (load average ${loadAverage()}):`);
  for (const [i, { label }] of runs.entries()) {
    console.log(`  ${label.padEnd(60)} p50 ${percentile(times[i], 0.5).toFixed(2).padStart(6)} ms   p95 ${percentile(times[i], 0.95).toFixed(2).padStart(6)} ms`);
  }

  // Memory: the lines above over and over, as a day in the shell would run them.
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  const settle = () => (globalThis as { gc?: () => void }).gc?.();
  let afterFirstTenth = process.memoryUsage();
  for (let n = 0; n < COMMANDS; n++) {
    if (n === COMMANDS / 10) {
      settle();
      afterFirstTenth = process.memoryUsage();
    }
    const { run, label, expected } = runs[n % runs.length];
    if ((await run()) !== expected) throw new Error(`${label} failed`);
  }
  settle();
  const end = process.memoryUsage();
  console.log(
    `\n${COMMANDS.toLocaleString('en')} commands in one process: after the first ${(COMMANDS / 10).toLocaleString('en')} RSS ${mb(afterFirstTenth.rss)} MB, heap ${mb(afterFirstTenth.heapUsed)} MB; ` +
      `at the end RSS ${mb(end.rss)} MB, heap ${mb(end.heapUsed)} MB: growth RSS ${mb(end.rss - afterFirstTenth.rss)} MB, heap ${mb(end.heapUsed - afterFirstTenth.heapUsed)} MB`,
  );
  await Promise.all(shells.map((shell) => shell.session.logout()));
  await app.close();
}

/** `client list --all` through the real binary (as the salesperson), its output into a file. */
function exports(): void {
  console.log(`\nclient list --all through bin/epic.js, start-up included (load average ${loadAverage()}):`);
  for (const [format, extra] of [
    ['csv', []],
    ['tsv', []],
    ['jsonl', []],
    ['csv', ['--sales', 'Hugo Bernard']],
  ] as const) {
    const file = path.join(user.home, `export.${format}`);
    const fd = fs.openSync(file, 'w');
    const run = user.measured(['client', 'list', '--all', '--format', format, ...extra], fd);
    fs.closeSync(fd);
    const lines = fs.readFileSync(file, 'utf8').split('\n').length - 1;
    const rows = format === 'jsonl' ? lines : lines - 1;
    const what = `--format ${format} ${extra.join(' ')}`.padEnd(36);
    console.log(`  ${what} ${rows.toLocaleString('en').padStart(8)} rows in ${run.seconds.toFixed(2)} s: ${Math.round(rows / run.seconds).toLocaleString('en').padStart(8)} rows/s, peak memory ${run.peakMb.toFixed(0)} MB`);
  }
}

function loadAverage(): string {
  return fs
    .readFileSync('/proc/loadavg', 'utf8')
    .split(' ')
    .slice(0, 3)
    .join(' ');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
