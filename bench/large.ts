/**
 * Large-data benchmark (npm run bench:large): the demo data plus BENCH_CLIENTS clients (100,000
 * by default), as many contracts and a fifth as many events, spread over 20 salespeople and 10
 * support staff (bench-user.ts), on the embedded database; then medians of one-shot commands
 * that lists, searches and look-ups use. It shows whether the indexes keep commands fast.
 */
import { removeEmbeddedDatabase } from '../test/helpers/cluster';
import { benchUser, EPIC } from './bench-user';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100_000);
const user = benchUser('epic-bench-large');

async function main(): Promise<void> {
  try {
    await measure();
  } finally {
    // As root the cluster lives outside the data folder, in /var/lib/epic-events.
    await removeEmbeddedDatabase(user.dataDir);
    user.cleanUp();
  }
}

async function measure(): Promise<void> {
  user.loadDemo();
  console.log(`loading ${CLIENTS.toLocaleString('en')} clients, as many contracts and a fifth as many events...`);
  await user.loadBulk(CLIENTS);
  console.log('loaded');
  user.logInAsSales();
  const commands = [
    ['client', 'list'],
    ['client', 'list', '--mine'],
    ['client', 'list', '--search', 'company 42'],
    ['client', 'show', 'Kevin', 'Casey'],
    ['client', 'show', 'Kevin', 'Casy'], // unknown: answers with the closest matches, exit 1
    ['contract', 'list', '--unsigned', '--mine'],
    ['event', 'list', '--upcoming'],
    ['event', 'list', '--unassigned', '--from', '2027-01-01'],
  ];
  console.log(`median of ${RUNS} one-shot runs each, ${CLIENTS.toLocaleString('en')} bulk clients`);
  for (const args of commands) {
    const expectedCode = args.includes('Casy') ? 1 : 0;
    console.log(`${`epic ${args.join(' ')}`.padEnd(50)} ${user.median([process.execPath, EPIC, ...args], RUNS, expectedCode).toFixed(3)} s`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
