import { clientToDelete, deleteClient } from '../services/clients';
import { plural } from '../output/plural';
import { permitted } from './declare';

export const clientDelete = permitted({
  name: 'client delete',
  summary: 'delete a client that has no contract',
  args: [{ name: 'client', required: true, rest: true, complete: 'client' }],
  confirm: async (ctx, { args }) => {
    const { client, contracts } = await ctx.as((s) => clientToDelete(s, args.client));
    return `Delete client #${client.id} ${client.fullName} and its ${plural(contracts, 'contract')}?`;
  },
  run: async (ctx, { args }) => {
    const client = await ctx.as((s) => deleteClient(s, args.client));
    return { message: `Deleted client #${client.id} ${client.fullName}` };
  },
});
