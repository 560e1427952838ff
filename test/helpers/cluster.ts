import fs from 'node:fs';
import { embeddedStatus, layout, stopEmbeddedDatabase } from '../../lib/db/embedded';

/**
 * Stops the embedded server of a data folder and its watchdog, then deletes the cluster
 * (which lives outside the data folder when running as root) and the data folder itself.
 */
export async function removeEmbeddedDatabase(dataDir: string): Promise<void> {
  const { clusterDir } = embeddedStatus(dataDir);
  await stopEmbeddedDatabase(dataDir).catch(() => undefined);
  try {
    process.kill(Number(fs.readFileSync(layout(dataDir).watchdogPidFile, 'utf8')));
  } catch {
    // No watchdog, or it already left.
  }
  if (clusterDir) fs.rmSync(clusterDir, { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
}
