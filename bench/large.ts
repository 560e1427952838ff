/**
 * Large-data benchmark (npm run bench:large): the demo data plus 100,000 clients, 100,000
 * contracts and 20,000 events on the embedded database, then medians of one-shot commands
 * that lists, searches and look-ups use. It shows whether the indexes keep commands fast.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ensureEmbeddedDatabase, stopEmbeddedDatabase } from '../lib/db/embedded';

const ROOT = path.resolve(__dirname, '..');
const EPIC = path.join(ROOT, 'bin', 'epic.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'epic-bench-large-'));
const env = { ...process.env, EPIC_DATA_DIR: path.join(home, 'data'), XDG_CONFIG_HOME: path.join(home, 'config'), DATABASE_URL: '', SENTRY_DSN: '' };

function epic(args: string[], input?: string): void {
  const result = spawnSync(process.execPath, [EPIC, ...args], { env, input, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`epic ${args.join(' ')} failed: ${result.stderr}`);
}

function median(args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    spawnSync(process.execPath, [EPIC, ...args], { env, stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

async function main(): Promise<void> {
  try {
    await measure();
  } finally {
    await stopEmbeddedDatabase(env.EPIC_DATA_DIR);
    fs.rmSync(home, { recursive: true, force: true });
  }
}

async function measure(): Promise<void> {
  epic(['db', 'demo']);
  console.log('loading 100,000 clients, 100,000 contracts and 20,000 events...');
  const client = new pg.Client({ connectionString: await ensureEmbeddedDatabase({ dataDir: env.EPIC_DATA_DIR, idleMinutes: 5 }) });
  await client.connect();
  await client.query(`
    INSERT INTO clients ("fullName", email, phone, "companyName", "salesContactId", "createdAt", "updatedAt", version)
      SELECT 'Client ' || i || ' ' || substr(md5(i::text), 1, 8), 'c' || i || '@bulk.test', '+3361' || lpad(i::text, 7, '0'),
             'Company ' || (i % 1000), (SELECT id FROM collaborators WHERE role = 'sales' ORDER BY id LIMIT 1 OFFSET i % 2), now(), now(), 0
      FROM generate_series(1, 100000) i;
    INSERT INTO contracts ("clientId", "totalAmount", "amountDue", signed, "signedAt", "createdAt", "updatedAt", version)
      SELECT id, 1000, CASE WHEN id % 3 = 0 THEN 0 ELSE 500 END, id % 5 <> 0, CASE WHEN id % 5 <> 0 THEN now() END, now(), now(), 0
      FROM clients WHERE email LIKE '%@bulk.test';
    INSERT INTO events (name, "contractId", "startsAt", "endsAt", location, attendees, "createdAt", "updatedAt", version)
      SELECT 'Bulk event ' || k.id, k.id, now() + (k.id % 700 - 350) * interval '1 day', now() + (k.id % 700 - 349) * interval '1 day', 'Paris', 50, now(), now(), 0
      FROM contracts k WHERE k.signed AND k.id % 4 = 0 AND NOT EXISTS (SELECT 1 FROM events e WHERE e."contractId" = k.id) LIMIT 20000;
    ANALYZE;`);
  await client.end();
  console.log('loaded');
  epic(['login', 'hugo.bernard@epic-events.fr', '--password-stdin'], 'copper-meadow-falcon-17\n');
  const commands = [
    ['client', 'list'],
    ['client', 'list', '--mine'],
    ['client', 'list', '--search', 'company 42'],
    ['client', 'show', 'Kevin', 'Casey'],
    ['client', 'show', 'Kevin', 'Casy'],
    ['contract', 'list', '--unsigned', '--mine'],
    ['event', 'list', '--upcoming'],
    ['event', 'list', '--unassigned', '--from', '2027-01-01'],
  ];
  console.log(`median of ${RUNS} one-shot runs each, 100,000 clients, 100,000 contracts, 20,000 events`);
  for (const args of commands) console.log(`${`epic ${args.join(' ')}`.padEnd(50)} ${median(args).toFixed(3)} s`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
