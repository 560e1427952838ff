import { CONTACT_COLUMNS } from '../output/columns';
import { listContacts } from '../services/contacts';
import { arg, limitOf, listResult } from './shared';
import type { CommandSpec } from './types';

export const clientContacts: CommandSpec = {
  name: 'client contacts',
  summary: "a client's contact log, latest first",
  availability: { when: 'permitted', action: 'client.contacts' },
  args: [{ name: 'client', required: true, rest: true, complete: 'client' }],
  output: 'list',
  run: async (ctx, input) => listResult(await ctx.as((s) => listContacts(s, arg(input, 'client'), limitOf(input))), CONTACT_COLUMNS),
};
