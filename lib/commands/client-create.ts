import { CLIENT_COLUMNS } from '../output/columns';
import { createClient } from '../services/clients';
import { CLIENT_DETAIL_OPTIONS } from './client-fields';
import { askIfMissing } from './prompting';
import { recordResult, text } from './shared';
import type { CommandSpec } from './types';

export const clientCreate: CommandSpec = {
  name: 'client create',
  summary: 'create a client; you become its sales contact',
  availability: { when: 'permitted', action: 'client.create' },
  options: CLIENT_DETAIL_OPTIONS,
  run: async (ctx, input) => {
    const fullName = await askIfMissing(ctx, input, 'name', 'Full name');
    const email = await askIfMissing(ctx, input, 'email', 'Email');
    const phone = await askIfMissing(ctx, input, 'phone', 'Phone');
    const client = await ctx.as((s) => createClient(s, { fullName, email, phone, companyName: text(input, 'company') }));
    return recordResult(client, CLIENT_COLUMNS, `Created client #${client.id} ${client.fullName}`);
  },
};
