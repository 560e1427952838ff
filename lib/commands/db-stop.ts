import { dotEnvNote } from '../config';
import { countClients, embeddedStatus, stopEmbeddedDatabase } from '../db/embedded';
import { Cancelled, UsageError } from '../errors';
import type { Prompter } from '../session/contracts';
import { flag, systemShell } from './declare';

/** Open shells lose their connection when the server stops (their next command starts it again): ask first. */
async function confirmStop(prompt: Prompter, connections: number): Promise<void> {
  if (connections === 0) return;
  const what = `${connections} connection(s) to the embedded database are open (shells in use)`;
  if (!prompt.interactive) throw new UsageError(`${what}: add --force to stop it anyway`);
  if (!(await prompt.confirm(`${what}. Stop it anyway?`))) throw new Cancelled('cancelled: the embedded database is still running');
}

export const dbStop = systemShell({
  name: 'db stop',
  summary: 'stop the embedded database (the next command starts it again)',
  options: { force: flag('stop it even while shells are connected, without asking') },
  run: async ({ config, prompt, stopWarmProcesses }, { options }) => {
    if (config.databaseUrl) throw new UsageError(`DATABASE_URL is set${dotEnvNote(config.sources, 'DATABASE_URL')}: epic does not manage that server`);
    // Their connections are not shells in use: they leave, and the next command starts one again.
    await stopWarmProcesses();
    if (embeddedStatus(config.dataDir).running && !options.force) await confirmStop(prompt, await countClients(config.dataDir));
    const stopped = await stopEmbeddedDatabase(config.dataDir);
    return { text: [{ lines: [stopped ? 'embedded database stopped' : 'embedded database was not running'] }] };
  },
});
