import { CLIENT_COLUMNS } from '../output/columns';
import { reassignClient } from '../services/clients';
import { permitted, text } from './declare';
import { recordResult } from './shared';

export const clientReassign = permitted({
  name: 'client reassign',
  summary: 'give a client to another sales collaborator',
  args: [{ name: 'client', required: true, rest: true, complete: 'client' }],
  options: { to: text('the new sales contact', { placeholder: 'collaborator', complete: 'collaborator', required: true }) },
  run: async (ctx, { args, options }) => {
    const client = await ctx.as((s) => reassignClient(s, args.client, options.to));
    return recordResult(client, CLIENT_COLUMNS, `Client #${client.id} ${client.fullName} now belongs to ${client.salesContact}`);
  },
});
