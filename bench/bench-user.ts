/**
 * What both benchmarks need: a private data folder on the embedded database, the demo data
 * loaded and a salesperson logged in, and the median time of repeated one-shot commands.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { embeddedAdminUrl, ensureEmbeddedDatabase } from '../lib/db/embedded';

export const EPIC = path.join(path.resolve(__dirname, '..'), 'bin', 'epic.js');

export function benchUser(name: string) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  const env = { ...process.env, EPIC_DATA_DIR: path.join(home, 'data'), XDG_CONFIG_HOME: path.join(home, 'config'), EPIC_DB_IDLE_MINUTES: '2', DATABASE_URL: '', SENTRY_DSN: '' };

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

  return {
    home,
    env,
    dataDir: env.EPIC_DATA_DIR,
    /** The demo data, and its salesperson Hugo Bernard logged in for one-shot commands. */
    loadDemo(): void {
      epic(['db', 'demo']);
    },
    /** `clients` clients, a contract each, and an event for one contract in five (signed ones). */
    async loadBulk(clients: number): Promise<void> {
      await ensureEmbeddedDatabase({ dataDir: env.EPIC_DATA_DIR, idleMinutes: 5 });
      // Bulk rows go in as the owner, as fixtures do: the runtime role inserts only what a role may.
      const client = new pg.Client({ connectionString: embeddedAdminUrl(env.EPIC_DATA_DIR, 'owner') });
      await client.connect();
      try {
        await client.query(
          `
        INSERT INTO clients ("fullName", email, phone, "companyName", "salesContactId", "createdAt", "updatedAt", version)
          SELECT 'Client ' || i || ' ' || substr(md5(i::text), 1, 8), 'c' || i || '@bulk.test', '+3361' || lpad(i::text, 7, '0'),
                 'Company ' || (i % 1000), (SELECT id FROM collaborators WHERE role = 'sales' ORDER BY id LIMIT 1 OFFSET i % 2), now(), now(), 0
          FROM generate_series(1, $1::int) i`,
          [clients],
        );
        await client.query(`
        INSERT INTO contracts ("clientId", "totalAmount", "amountDue", signed, "signedAt", "createdAt", "updatedAt", version)
          SELECT id, 1000, CASE WHEN id % 3 = 0 THEN 0 ELSE 500 END, id % 5 <> 0, CASE WHEN id % 5 <> 0 THEN now() END, now(), now(), 0
          FROM clients WHERE email LIKE '%@bulk.test'`);
        await client.query(
          `
        INSERT INTO events (name, "contractId", "startsAt", "endsAt", location, attendees, "createdAt", "updatedAt", version)
          SELECT 'Bulk event ' || k.id, k.id, now() + (k.id % 700 - 350) * interval '1 day', now() + (k.id % 700 - 349) * interval '1 day', 'Paris', 50, now(), now(), 0
          FROM contracts k WHERE k.signed AND k.id % 4 = 0 AND NOT EXISTS (SELECT 1 FROM events e WHERE e."contractId" = k.id) LIMIT $1::int / 5`,
          [clients],
        );
        await client.query('ANALYZE');
      } finally {
        await client.end();
      }
    },
    logInAsSales(): void {
      epic(['login', 'hugo.bernard@epic-events.fr', '--password-stdin'], 'copper-meadow-falcon-17\n');
      // Demo accounts must choose their own password first.
      epic(['passwd', '--password-stdin'], 'copper-meadow-falcon-17\nbench-only ember-lighthouse-2026\n');
    },
    epic,
    median,
    cleanUp(): void {
      spawnSync(process.execPath, [EPIC, 'db', 'stop', '--force'], { env, stdio: 'ignore' });
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
