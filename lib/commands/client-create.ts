import { CLIENT_COLUMNS } from '../output/columns';
import { createClient } from '../services/clients';
import { CLIENT_DETAILS } from './client-fields';
import { permitted } from './declare';
import { askIfMissing } from './prompting';
import { recordResult } from './shared';

export const clientCreate = permitted({
  name: 'client create',
  summary: 'create a client; you become its sales contact',
  options: CLIENT_DETAILS,
  run: async (ctx, { options }) => {
    const fullName = await askIfMissing(ctx, options.name, 'name', 'Full name');
    const email = await askIfMissing(ctx, options.email, 'email', 'Email');
    const phone = await askIfMissing(ctx, options.phone, 'phone', 'Phone');
    const client = await ctx.as((s) => createClient(s, { fullName, email, phone, companyName: options.company }));
    return recordResult(client, CLIENT_COLUMNS, `Created client #${client.id} ${client.fullName}`);
  },
});
