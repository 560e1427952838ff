import { CLIENT_FOLLOW_UP_COLUMNS, CONTACT_COLUMNS, CONTRACT_COLUMNS, EVENT_COLUMNS } from '../output/columns';
import { showClient } from '../services/clients';
import { arg, recordResult } from './shared';
import type { CommandSpec } from './types';

export const clientShow: CommandSpec = {
  name: 'client show',
  summary: 'show a client with its contracts, events and latest interactions',
  availability: { when: 'permitted', action: 'client.show' },
  args: [{ name: 'client', required: true, rest: true, complete: 'client' }],
  output: 'show',
  run: async (ctx, input) => {
    const details = await ctx.as((s) => showClient(s, arg(input, 'client')));
    return recordResult(details.client, CLIENT_FOLLOW_UP_COLUMNS, undefined, [
      { key: 'contracts', title: 'Contracts', columns: CONTRACT_COLUMNS.filter((c) => c.key !== 'client' && c.key !== 'salesContact'), rows: details.contracts as never[] },
      { key: 'events', title: 'Events', columns: EVENT_COLUMNS.filter((c) => c.key !== 'client'), rows: details.events as never[] },
      { key: 'recentContacts', title: 'Recent contacts', columns: CONTACT_COLUMNS, rows: details.recentContacts as never[] },
    ]);
  },
};
