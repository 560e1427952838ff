import fs from 'node:fs';
import { countClients, embeddedStatus, layout, stopEmbeddedDatabase } from './embedded';

/**
 * Detached process started with the embedded server: stops it once no client has been
 * connected for the idle time (EPIC_DB_IDLE_MINUTES), then exits. Argv: <data dir> <idle minutes>.
 */
async function watch(dataDir: string, idleMinutes: number): Promise<void> {
  const idleMs = idleMinutes * 60_000;
  const pollMs = Math.max(250, Math.min(30_000, idleMs / 4));
  let idleSince: number | undefined;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    if (!embeddedStatus(dataDir).running) return;
    let clients: number;
    try {
      clients = await countClients(dataDir);
    } catch {
      continue;
    }
    if (clients > 0) {
      idleSince = undefined;
    } else {
      idleSince ??= Date.now();
      if (Date.now() - idleSince >= idleMs) {
        await stopEmbeddedDatabase(dataDir);
        return;
      }
    }
  }
}

const [dataDir, idle] = process.argv.slice(2);
const pidFile = layout(dataDir).watchdogPidFile;
watch(dataDir, Number(idle))
  .catch(() => undefined)
  .finally(() => {
    try {
      if (fs.readFileSync(pidFile, 'utf8') === String(process.pid)) fs.rmSync(pidFile);
    } catch {
      /* already gone */
    }
  });
