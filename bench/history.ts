/**
 * History benchmark (npm run bench:history), on a fresh test database (the embedded one, or
 * DATABASE_URL's server):
 *  - what the history trigger adds to a write: one-row updates of a client with the trigger on
 *    and off, alternating in blocks so that both see the same machine load; measured end to end
 *    (each update in its own transaction with its session, as a command writes: commit and
 *    network included) and inside the server (1,000 updates in one statement, per update);
 *  - `client history` with 1,000,000 history rows: the service call (look-up and history
 *    query) inside a session's transaction, and the whole transaction with its begin and commit.
 */
import crypto from 'node:crypto';
import pg from 'pg';
import { ManualClock } from '../lib/clock';
import { recordHistory } from '../lib/services/history';
import { inSession } from '../lib/services/sessions';
import { freshDatabase } from '../test/helpers/database';
import { buildWorld, openSessionFor } from '../test/helpers/world';

const WRITES = Number(process.env.BENCH_WRITES ?? 2000);
const READS = Number(process.env.BENCH_READS ?? 300);
const HISTORY_ROWS = 1_000_000;

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const percentile = (times: number[], p: number) => [...times].sort((a, b) => a - b)[Math.min(times.length - 1, Math.floor(times.length * p))];

async function main(): Promise<void> {
  const db = await freshDatabase();
  try {
    const w = await buildWorld(db, new ManualClock());
    const token = await openSessionFor(db, w.sales.id);
    const writer = new pg.Client({ connectionString: db.url });
    await writer.connect();
    const write = async () => {
      const start = process.hrtime.bigint();
      await writer.query('BEGIN');
      await writer.query('SELECT status FROM epic_begin($1)', [token]);
      await writer.query('UPDATE clients SET "companyName" = $1 WHERE id = $2', [crypto.randomBytes(6).toString('hex'), w.ownClient.id]);
      await writer.query('COMMIT');
      return ms(start);
    };
    const trigger = (on: boolean) => db.owner.query(`ALTER TABLE clients ${on ? 'ENABLE' : 'DISABLE'} TRIGGER clients_history`);
    const times = { on: [] as number[], off: [] as number[] };
    for (let i = 0; i < 50; i++) await write(); // warm-up
    for (let block = 0; block < 20; block++) {
      for (const on of [true, false]) {
        await trigger(on);
        for (let i = 0; i < WRITES / 40; i++) times[on ? 'on' : 'off'].push(await write());
      }
    }
    const [on, off] = [percentile(times.on, 0.5), percentile(times.off, 0.5)];
    console.log(`one-row client update in its own transaction with a session, median of ${times.on.length} each:`);
    console.log(`  with history ${on.toFixed(3)} ms, without ${off.toFixed(3)} ms: history adds ${(on - off).toFixed(3)} ms`);
    // In the server: no network, no commit, so the trigger's own cost shows.
    // 1,000 clients of the salesperson, each updated once per run: no row is updated twice in a transaction.
    await db.owner.query(`
      INSERT INTO clients ("fullName", email, phone, "salesContactId", "createdAt", "updatedAt", version)
        SELECT 'Bench ' || i, 'bench' || i || '@bench.test', '+3361' || lpad(i::text, 7, '0'), ${w.sales.id}, now(), now(), 0
          FROM generate_series(1, 1000) i`);
    await writer.query(`CREATE FUNCTION pg_temp.epic_bench_updates() RETURNS float LANGUAGE plpgsql AS $$
      DECLARE started timestamptz := clock_timestamp(); n int := 0; target int;
      BEGIN
        FOR target IN SELECT id FROM clients WHERE email LIKE '%@bench.test' LOOP
          UPDATE clients SET "companyName" = 'Bench company' WHERE id = target;
          n := n + 1;
        END LOOP;
        RETURN extract(epoch FROM clock_timestamp() - started) * 1000 / n;
      END $$`);
    const inServer = async () => {
      await writer.query('BEGIN');
      await writer.query('SELECT status FROM epic_begin($1)', [token]);
      const { rows } = await writer.query('SELECT pg_temp.epic_bench_updates() AS ms');
      await writer.query('ROLLBACK');
      return rows[0].ms as number;
    };
    const perUpdate = { on: [] as number[], off: [] as number[] };
    for (let block = 0; block < 5; block++) {
      for (const on of [true, false]) {
        await trigger(on);
        perUpdate[on ? 'on' : 'off'].push(await inServer());
      }
    }
    await trigger(true);
    await writer.end();
    const [serverOn, serverOff] = [percentile(perUpdate.on, 0.5), percentile(perUpdate.off, 0.5)];
    console.log('one-row client update inside the server, per update (median of 5 runs over 1,000 clients):');
    console.log(`  with history ${serverOn.toFixed(3)} ms, without ${serverOff.toFixed(3)} ms: history adds ${(serverOn - serverOff).toFixed(3)} ms`);

    console.log(`generating ${HISTORY_ROWS.toLocaleString('en-US')} history rows...`);
    await db.owner.query(`
      INSERT INTO history ("at", "actorId", "actorName", "recordTable", "recordId", "recordName", action, changes)
        SELECT now() - i * interval '1 minute', ${w.sales.id}, 'Sam Sales', (ARRAY['clients', 'contracts', 'events'])[1 + i % 3],
               i % 20000, 'Bulk ' || i, 'update', jsonb_build_object('phone', jsonb_build_object('old', '+3361' || i, 'new', '+3362' || i))
          FROM generate_series(1, ${HISTORY_ROWS}) i;
      ANALYZE history;`);
    const [{ n }] = (await db.owner.query('SELECT count(*)::int AS n FROM history'))[0] as { n: number }[];
    const queries: number[] = [];
    const transactions: number[] = [];
    for (let i = 0; i < READS + 20; i++) {
      const start = process.hrtime.bigint();
      await inSession(db.sequelize, w.clock, token, () => undefined, async (ctx) => {
        const query = process.hrtime.bigint();
        await recordHistory(ctx, 'clients', 'Kevin Casey', 30);
        if (i >= 20) queries.push(ms(query));
      });
      if (i >= 20) transactions.push(ms(start));
    }
    const p = (times: number[]) => `p50 ${percentile(times, 0.5).toFixed(3)} ms, p95 ${percentile(times, 0.95).toFixed(3)} ms`;
    console.log(`client history Kevin Casey (30 rows) with ${n.toLocaleString('en-US')} history rows, ${READS} runs:`);
    console.log(`  look-up and history query: ${p(queries)}`);
    console.log(`  whole transaction (begin, session, query, commit): ${p(transactions)}`);
  } finally {
    await db.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
