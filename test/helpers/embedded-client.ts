// Run as a separate process by the embedded database tests: `<data dir> <action>`.
//   write <text>: starts (or joins) the server, stores the text, prints "ready", then waits to be killed.
//   read: prints the stored texts.
import pg from 'pg';
import { embeddedAdminUrl, ensureEmbeddedDatabase } from '../../lib/db/embedded';

async function main(): Promise<void> {
  const [dataDir, action, text] = process.argv.slice(2);
  await ensureEmbeddedDatabase({ dataDir, idleMinutes: 5 });
  const client = new pg.Client({ connectionString: embeddedAdminUrl(dataDir, 'owner') });
  await client.connect();
  await client.query('CREATE TABLE IF NOT EXISTS notes (text text)');
  if (action === 'write') {
    await client.query('INSERT INTO notes VALUES ($1)', [text]);
    const pid = await client.query('SELECT pg_postmaster_start_time()::text AS started');
    process.stdout.write(`ready ${pid.rows[0].started}\n`);
    await new Promise(() => undefined);
  }
  const rows = await client.query('SELECT text FROM notes ORDER BY text');
  process.stdout.write(JSON.stringify(rows.rows.map((r) => r.text)));
  await client.end();
}

main().catch((error) => {
  process.stderr.write(String(error?.message ?? error));
  process.exit(1);
});
