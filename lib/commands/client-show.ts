import { CLIENT_FOLLOW_UP_COLUMNS, CONTACT_COLUMNS, CONTRACT_COLUMNS, EVENT_COLUMNS } from '../output/columns';
import { showClient } from '../services/clients';
import { permitted } from './declare';
import { recordResult } from './shared';

export const clientShow = permitted({
  name: 'client show',
  summary: 'show a client with its contracts, events and latest interactions',
  args: [{ name: 'client', required: true, rest: true, complete: 'client' }],
  output: 'show',
  run: async (ctx, { args }) => {
    const details = await ctx.as((s) => showClient(s, args.client));
    return recordResult(details.client, CLIENT_FOLLOW_UP_COLUMNS, undefined, [
      { key: 'contracts', title: 'Contracts', columns: CONTRACT_COLUMNS.filter((c) => c.key !== 'client' && c.key !== 'salesContact'), rows: details.contracts },
      { key: 'events', title: 'Events', columns: EVENT_COLUMNS.filter((c) => c.key !== 'client'), rows: details.events },
      { key: 'recentContacts', title: 'Recent contacts', columns: CONTACT_COLUMNS, rows: details.recentContacts },
    ]);
  },
});
