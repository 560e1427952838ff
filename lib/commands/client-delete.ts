import { deleteClient } from '../services/clients';
import { arg } from './shared';
import type { CommandSpec } from './types';

export const clientDelete: CommandSpec = {
  name: 'client delete',
  summary: 'delete a client that has no contract',
  availability: { when: 'permitted', action: 'client.delete' },
  args: [{ name: 'client', required: true, rest: true, complete: 'client' }],
  confirm: (input) => `Delete client ${input.args.client}?`,
  run: async (ctx, input) => {
    const client = await ctx.as((s) => deleteClient(s, arg(input, 'client')));
    return { message: `Deleted client #${client.id} ${client.fullName}` };
  },
};
