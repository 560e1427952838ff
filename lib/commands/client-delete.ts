import { deleteClient } from '../services/clients';
import { permitted } from './declare';

export const clientDelete = permitted({
  name: 'client delete',
  summary: 'delete a client that has no contract',
  args: [{ name: 'client', required: true, rest: true, complete: 'client' }],
  confirm: ({ args }) => `Delete client ${args.client}?`,
  run: async (ctx, { args }) => {
    const client = await ctx.as((s) => deleteClient(s, args.client));
    return { message: `Deleted client #${client.id} ${client.fullName}` };
  },
});
