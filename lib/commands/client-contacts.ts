import { CONTACT_COLUMNS } from '../output/columns';
import { listContacts } from '../services/contacts';
import { permitted } from './declare';
import { listResult } from './shared';

export const clientContacts = permitted({
  name: 'client contacts',
  summary: "a client's contact log, latest first",
  args: [{ name: 'client', required: true, rest: true, complete: 'client' }],
  output: 'list',
  run: async (ctx, { args, options }) => listResult(await ctx.as((s) => listContacts(s, args.client, options.limit)), CONTACT_COLUMNS),
});
