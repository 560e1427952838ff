import { CONTACT_COLUMNS } from '../output/columns';
import { CHANNELS, recordContact } from '../services/contacts';
import { date, oneOf, permitted, text } from './declare';
import { recordResult } from './shared';

export const clientContact = permitted({
  name: 'client contact',
  summary: 'log an interaction with a client (its last contact)',
  args: [{ name: 'client', required: true, rest: true, complete: 'client' }],
  options: {
    note: text('what was said', { placeholder: 'text', required: true }),
    at: date('when it happened (default: now)', { placeholder: 'date time' }),
    by: oneOf(CHANNELS, 'how'),
  },
  run: async (ctx, { args, options }) => {
    const contact = await ctx.as((s) => recordContact(s, args.client, { note: options.note, at: options.at, channel: options.by }));
    return recordResult(contact, CONTACT_COLUMNS, `Logged a contact with ${contact.client}`);
  },
});
