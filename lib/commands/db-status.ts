import { dotEnvNote } from '../config';
import { countClients, embeddedStatus } from '../db/embedded';
import { systemShell } from './declare';

export const dbStatus = systemShell({
  name: 'db status',
  summary: 'the embedded database: running or stopped, and where its data is',
  run: async ({ config }) => {
    if (config.databaseUrl) return { lines: [`database: the server of DATABASE_URL${dotEnvNote(config.sources, 'DATABASE_URL')} (not managed by epic)`] };
    const status = embeddedStatus(config.dataDir);
    if (!status.running) return { lines: ['embedded database: stopped', `data folder: ${status.dataDir}`] };
    const clients = await countClients(config.dataDir);
    return { lines: [`embedded database: running (pid ${status.pid}, port ${status.port}, ${clients} client connection(s))`, `data: ${status.clusterDir}`] };
  },
});
