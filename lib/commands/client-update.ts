import { CLIENT_COLUMNS } from '../output/columns';
import { updateClient } from '../services/clients';
import { CLIENT_DETAIL_OPTIONS } from './client-fields';
import { arg, recordResult, text } from './shared';
import type { CommandSpec } from './types';

export const clientUpdate: CommandSpec = {
  name: 'client update',
  summary: "change a client's details",
  availability: { when: 'permitted', action: 'client.update' },
  args: [{ name: 'client', required: true, rest: true, complete: 'client' }],
  options: CLIENT_DETAIL_OPTIONS,
  run: async (ctx, input) => {
    const client = await ctx.as((s) =>
      updateClient(s, arg(input, 'client'), { fullName: text(input, 'name'), email: text(input, 'email'), phone: text(input, 'phone'), companyName: text(input, 'company') }),
    );
    return recordResult(client, CLIENT_COLUMNS, `Updated client #${client.id} ${client.fullName}`);
  },
};
