/**
 * `epic db export` and `epic db import` at scale (npm run bench:move): the demo data plus
 * BENCH_CLIENTS clients (100,000 by default), a contract each and an event for one in five,
 * exported from one embedded database and imported into a new one, through the real binary.
 * Prints rows per second and each command's peak resident memory, for the full size and for a
 * tenth of it: memory that stays the same while the rows grow tenfold is what streaming means.
 */
import fs from 'node:fs';
import path from 'node:path';
import { removeEmbeddedDatabase } from '../test/helpers/cluster';
import { benchUser } from './bench-user';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100_000);

/** The trailer, read from the end: the benchmark itself must not hold a 150 MB file in memory. */
function lastLine(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const tail = Buffer.alloc(Math.min(size, 64 * 1024));
    fs.readSync(fd, tail, 0, tail.length, size - tail.length);
    return tail.toString('utf8').trimEnd().split('\n').pop()!;
  } finally {
    fs.closeSync(fd);
  }
}

async function round(clients: number): Promise<void> {
  const source = benchUser('epic-bench-move-source');
  const target = benchUser('epic-bench-move-target');
  try {
    source.loadDemo();
    await source.loadBulk(clients);
    source.epic(['login', 'gabrielle.laurent@epic-events.fr', '--password-stdin'], 'violet-harbour-lantern-42\n');
    target.epic(['db', 'migrate']); // the new embedded database, created and migrated before timing
    const file = path.join(source.home, 'company.jsonl');
    const exported = source.measured(['db', 'export', file]);
    const imported = target.measured(['db', 'import', file]);
    const counts: Record<string, number> = JSON.parse(lastLine(file))[1];
    const rows = Object.values(counts).reduce((sum, n) => sum + n, 0);
    console.log(`${clients.toLocaleString('en')} bulk clients: ${Object.entries(counts).map(([t, n]) => `${n.toLocaleString('en')} ${t}`).join(', ')}; file ${(fs.statSync(file).size / 1e6).toFixed(1)} MB`);
    for (const [what, run] of [['export', exported], ['import', imported]] as const) {
      console.log(`  ${what}: ${run.seconds.toFixed(2)} s, ${Math.round(rows / run.seconds).toLocaleString('en')} rows/s, peak memory ${run.peakMb.toFixed(0)} MB`);
    }
  } finally {
    for (const user of [source, target]) {
      await removeEmbeddedDatabase(user.dataDir);
      user.cleanUp();
    }
  }
}

async function main(): Promise<void> {
  await round(Math.max(1, Math.round(CLIENTS / 10)));
  await round(CLIENTS);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
