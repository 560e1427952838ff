import fs from 'node:fs';
import { embeddedStatus, layout, stopEmbeddedDatabase } from '../../lib/db/embedded';

/**
 * Stops the embedded server of a data folder and its watchdog, then deletes the cluster
 * (which lives outside the data folder when running as root) and the data folder itself.
 */
export async function removeEmbeddedDatabase(dataDir: string): Promise<void> {
  // A cluster whose server never started (a taken port) is in no state file: its place is known.
  const clusterDir = embeddedStatus(dataDir).clusterDir ?? layout(dataDir).clusterDir;
  await stopEmbeddedDatabase(dataDir).catch(() => undefined);
  try {
    process.kill(Number(fs.readFileSync(layout(dataDir).watchdogPidFile, 'utf8')));
  } catch {
    // No watchdog, or it already left.
  }
  fs.rmSync(clusterDir, { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
}
