import { CLIENT_COLUMNS } from '../output/columns';
import { createClient } from '../services/clients';
import { askIfMissing } from './prompting';
import { recordResult, text } from './shared';
import type { CommandSpec } from './types';

export const clientCreate: CommandSpec = {
  name: 'client create',
  summary: 'create a client; you become its sales contact',
  availability: { when: 'permitted', action: 'client.create' },
  options: [
    { name: 'name', type: 'string', placeholder: 'full name', summary: "the client's full name" },
    { name: 'email', type: 'string', summary: 'email address' },
    { name: 'phone', type: 'string', summary: 'phone number (French unless it starts with +)' },
    { name: 'company', type: 'string', summary: 'company name (optional)' },
  ],
  run: async (ctx, input) => {
    const fullName = await askIfMissing(ctx, input, 'name', 'Full name');
    const email = await askIfMissing(ctx, input, 'email', 'Email');
    const phone = await askIfMissing(ctx, input, 'phone', 'Phone');
    const client = await ctx.as((s) => createClient(s, { fullName, email, phone, companyName: text(input, 'company') }));
    return recordResult(client, CLIENT_COLUMNS, `Created client #${client.id} ${client.fullName}`);
  },
};
