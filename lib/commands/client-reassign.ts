import { CLIENT_COLUMNS } from '../output/columns';
import { reassignClient } from '../services/clients';
import { arg, need, recordResult } from './shared';
import type { CommandSpec } from './types';

export const clientReassign: CommandSpec = {
  name: 'client reassign',
  summary: 'give a client to another sales collaborator',
  availability: { when: 'permitted', action: 'client.reassign' },
  args: [{ name: 'client', required: true, rest: true, complete: 'client' }],
  options: [{ name: 'to', type: 'string', placeholder: 'collaborator', summary: 'the new sales contact', complete: 'collaborator', required: true }],
  run: async (ctx, input) => {
    const client = await ctx.as((s) => reassignClient(s, arg(input, 'client'), need(input, 'to')));
    return recordResult(client, CLIENT_COLUMNS, `Client #${client.id} ${client.fullName} now belongs to ${client.salesContact}`);
  },
};
