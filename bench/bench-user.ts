/**
 * What the benchmarks need: a private data folder on the embedded database, the demo data
 * loaded and a salesperson logged in, and the median time of repeated one-shot commands.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { embeddedAdminUrl, ensureEmbeddedDatabase } from '../lib/db/embedded';
import { answeringWarmSockets } from '../lib/warm/client';

/** Salespeople and support staff of the bulk data, the demo's two of each included. */
const SALES_STAFF = 20;
const SUPPORT_STAFF = 10;

export const EPIC = path.join(path.resolve(__dirname, '..'), 'bin', 'epic.js');
const PEAK_HOOK = path.join(__dirname, 'peak-rss.cjs');
/** The password the benchmarks choose for the demo accounts they log in as. */
export const BENCH_PASSWORD = 'bench-only ember-lighthouse-2026';

/** Waits until `count` warm processes of the user answer (they start in the background). */
export async function waitForWarmProcesses(env: NodeJS.ProcessEnv, count: number): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if ((await answeringWarmSockets(env)).length >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${count} warm processes did not start`);
}

export function benchUser(name: string) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  // Warm processes (README, "Start-up time") get a socket folder of this user's own, which goes with it.
  const env = { ...process.env, EPIC_DATA_DIR: path.join(home, 'data'), XDG_CONFIG_HOME: path.join(home, 'config'), XDG_RUNTIME_DIR: path.join(home, 'run'), EPIC_DB_IDLE_MINUTES: '2', DATABASE_URL: '', SENTRY_DSN: '' };

  const epic = (args: string[], input?: string): void => {
    const result = spawnSync(process.execPath, [EPIC, ...args], { env, input, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`epic ${args.join(' ')} failed: ${result.stderr}`);
  };

  /** Median wall time, in seconds, of `runs` runs of a command, which must exit with `expectedCode`. */
  const median = (command: string[], runs: number, expectedCode = 0): number => {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = process.hrtime.bigint();
      const result = spawnSync(command[0], command.slice(1), { env, stdio: ['ignore', 'ignore', 'pipe'] });
      times.push(Number(process.hrtime.bigint() - start) / 1e9);
      if (result.status !== expectedCode) throw new Error(`${command.join(' ')} exited with ${result.status}: ${result.stderr}`);
    }
    return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
  };

  const asOwner = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: embeddedAdminUrl(env.EPIC_DATA_DIR, 'owner') });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };

  return {
    home,
    env,
    dataDir: env.EPIC_DATA_DIR,
    /** The demo data, and its salesperson Hugo Bernard logged in for one-shot commands. */
    loadDemo(): void {
      epic(['db', 'demo']);
    },
    /**
     * `clients` clients, a contract each, and an event for one contract in five (signed ones),
     * spread as a real company's are: over the demo's salespeople and support staff and as many
     * bulk colleagues again (one client in SALES_STAFF per salesperson, every tenth event
     * without support), contracts signed or not, events from a year ago to a year ahead.
     * Nothing belongs to one person only, so plans are measured as staff meet them.
     */
    async loadBulk(clients: number): Promise<void> {
      await ensureEmbeddedDatabase({ dataDir: env.EPIC_DATA_DIR, idleMinutes: 5 });
      // Bulk rows go in as the owner, as fixtures do: the runtime role inserts only what a role may.
      await asOwner(async (client) => {
        await client.query(
          `
        INSERT INTO collaborators ("fullName", email, role, "passwordHash", "createdAt", "updatedAt")
          SELECT initcap(r.role) || ' Colleague ' || i, r.role || i || '@bulk.test', r.role, (SELECT "passwordHash" FROM collaborators LIMIT 1), now(), now()
          FROM (VALUES ('sales', $1::int), ('support', $2::int)) r(role, staff), generate_series(1, r.staff - 2) i`,
          [SALES_STAFF, SUPPORT_STAFF],
        );
        await client.query(
          `
        WITH sales AS (SELECT array_agg(id ORDER BY id) AS ids FROM collaborators WHERE role = 'sales')
        INSERT INTO clients ("fullName", email, phone, "companyName", "salesContactId", "createdAt", "updatedAt", version)
          SELECT 'Client ' || i || ' ' || substr(md5(i::text), 1, 8), 'c' || i || '@bulk.test', '+3361' || lpad(i::text, 7, '0'),
                 'Company ' || (i % 1000), sales.ids[1 + i % cardinality(sales.ids)], now() - (i % 1000) * interval '1 day', now(), 0
          FROM generate_series(1, $1::int) i, sales`,
          [clients],
        );
        // Four in five signed, whoever the salesperson (a hash: ids in step with theirs would pick one's).
        await client.query(`
        INSERT INTO contracts ("clientId", "totalAmount", "amountDue", signed, "signedAt", "createdAt", "updatedAt", version)
          SELECT id, 1000, CASE WHEN id % 3 = 0 THEN 0 ELSE 500 END, signed, CASE WHEN signed THEN now() END, now(), now(), 0
          FROM clients CROSS JOIN LATERAL (SELECT abs(hashtext(id::text)) % 5 <> 0 AS signed) s WHERE email LIKE '%@bulk.test'`);
        // Contracts in a random order, so that neither the event dates nor their owners follow the ids.
        await client.query(
          `
        WITH support AS (SELECT array_agg(id ORDER BY id) AS ids FROM collaborators WHERE role = 'support'),
             chosen AS (SELECT k.id, row_number() OVER (ORDER BY md5(k.id::text)) AS n FROM contracts k
                         WHERE k.signed AND NOT EXISTS (SELECT 1 FROM events e WHERE e."contractId" = k.id))
        INSERT INTO events (name, "contractId", "supportContactId", "startsAt", "endsAt", location, attendees, "createdAt", "updatedAt", version)
          SELECT 'Bulk event ' || chosen.id, chosen.id, CASE WHEN n % 10 <> 0 THEN support.ids[1 + n % cardinality(support.ids)] END,
                 date_trunc('hour', now()) + (n % 731 - 365) * interval '1 day' + (n % 12) * interval '1 hour',
                 date_trunc('hour', now()) + (n % 731 - 365) * interval '1 day' + (n % 12 + 4) * interval '1 hour', 'Paris', 50, now(), now(), 0
          FROM chosen, support WHERE n <= $1::int / 5`,
          [clients],
        );
        // Vacuumed as well, as autovacuum leaves a company's tables that have held these rows for a
        // while: rows just inserted are on no page marked all-visible yet, so every index-only scan
        // reads the table too (the capped count of `contract list --unsigned --mine`: 6 ms, 0.4 after).
        await client.query('VACUUM (ANALYZE) collaborators, clients, contracts, events, history');
      });
    },
    /** The first value of a query run as the database owner. */
    ownerQuery(sql: string): Promise<unknown> {
      return asOwner(async (client) => (await client.query({ text: sql, rowMode: 'array' })).rows[0]?.[0]);
    },
    /** A demo account logged in for one-shot commands, with BENCH_PASSWORD chosen (demo accounts must choose their own first). */
    logInAs(email: string, demoPassword: string): void {
      epic(['login', email, '--password-stdin'], `${demoPassword}\n`);
      epic(['passwd', '--password-stdin'], `${demoPassword}\n${BENCH_PASSWORD}\n`);
    },
    logInAsSales(): void {
      this.logInAs('hugo.bernard@epic-events.fr', 'copper-meadow-falcon-17');
    },
    /**
     * One command of the real binary, timed, with its peak memory (reported by the preloaded hook);
     * `stdout` is where its output goes. In-process (EPIC_WARM=0), so that the memory measured is
     * the command's.
     */
    measured(args: string[], stdout: 'ignore' | number = 'ignore'): { seconds: number; peakMb: number } {
      const peakFile = path.join(home, `peak-${process.hrtime.bigint()}`);
      const start = process.hrtime.bigint();
      const result = spawnSync(process.execPath, [EPIC, ...args], {
        env: { ...env, NODE_OPTIONS: `--require ${PEAK_HOOK}`, EPIC_BENCH_PEAK_FILE: peakFile, EPIC_WARM: '0' },
        stdio: ['ignore', stdout, 'pipe'],
        encoding: 'utf8',
      });
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      if (result.status !== 0) throw new Error(`epic ${args.join(' ')} failed: ${result.stderr}`);
      return { seconds, peakMb: Number(fs.readFileSync(peakFile, 'utf8')) / 1024 };
    },
    epic,
    median,
    cleanUp(): void {
      spawnSync(process.execPath, [EPIC, 'db', 'stop', '--force'], { env, stdio: 'ignore' });
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
