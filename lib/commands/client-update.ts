import { CLIENT_COLUMNS } from '../output/columns';
import { updateClient } from '../services/clients';
import { CLIENT_DETAILS } from './client-fields';
import { permitted } from './declare';
import { recordResult } from './shared';

export const clientUpdate = permitted({
  name: 'client update',
  summary: "change a client's details",
  args: [{ name: 'client', required: true, rest: true, complete: 'client' }],
  options: CLIENT_DETAILS,
  run: async (ctx, { args, options }) => {
    const client = await ctx.as((s) => updateClient(s, args.client, { fullName: options.name, email: options.email, phone: options.phone, companyName: options.company }));
    return recordResult(client, CLIENT_COLUMNS, `Updated client #${client.id} ${client.fullName}`);
  },
});
