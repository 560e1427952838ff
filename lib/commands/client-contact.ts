import { CONTACT_COLUMNS } from '../output/columns';
import { recordContact } from '../services/contacts';
import { arg, need, recordResult, text } from './shared';
import type { CommandSpec } from './types';

export const clientContact: CommandSpec = {
  name: 'client contact',
  summary: 'log an interaction with a client (its last contact)',
  availability: { when: 'permitted', action: 'client.contact' },
  args: [{ name: 'client', required: true, rest: true, complete: 'client' }],
  options: [
    { name: 'note', type: 'string', placeholder: 'text', summary: 'what was said', required: true },
    { name: 'at', type: 'string', placeholder: 'date time', summary: 'when it happened (default: now)' },
    { name: 'by', type: 'string', placeholder: 'phone|email|meeting', summary: 'how' },
  ],
  run: async (ctx, input) => {
    const contact = await ctx.as((s) => recordContact(s, arg(input, 'client'), { note: need(input, 'note'), at: text(input, 'at'), channel: text(input, 'by') }));
    return recordResult(contact, CONTACT_COLUMNS, `Logged a contact with ${contact.client}`);
  },
};
