/**
 * Large-data benchmark (npm run bench:large): the demo data plus 100,000 clients, 100,000
 * contracts and 20,000 events on the embedded database, then medians of one-shot commands
 * that lists, searches and look-ups use. It shows whether the indexes keep commands fast.
 */
import pg from 'pg';
import { embeddedAdminUrl, ensureEmbeddedDatabase } from '../lib/db/embedded';
import { benchUser, EPIC } from './bench-user';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const user = benchUser('epic-bench-large');

async function main(): Promise<void> {
  try {
    await measure();
  } finally {
    user.cleanUp();
  }
}

async function measure(): Promise<void> {
  user.loadDemo();
  console.log('loading 100,000 clients, 100,000 contracts and 20,000 events...');
  await ensureEmbeddedDatabase({ dataDir: user.dataDir, idleMinutes: 5 });
  // Bulk rows go in as the owner, as fixtures do: the runtime role inserts only what a role may.
  const client = new pg.Client({ connectionString: embeddedAdminUrl(user.dataDir, 'owner') });
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
  console.log(`median of ${RUNS} one-shot runs each, 100,000 clients, 100,000 contracts, 20,000 events`);
  for (const args of commands) {
    const expectedCode = args.includes('Casy') ? 1 : 0;
    console.log(`${`epic ${args.join(' ')}`.padEnd(50)} ${user.median([process.execPath, EPIC, ...args], RUNS, expectedCode).toFixed(3)} s`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
