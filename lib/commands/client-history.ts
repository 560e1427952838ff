import { HISTORY_COLUMNS } from '../output/columns';
import { recordHistory } from '../services/history';
import { arg, limitOf, listResult } from './shared';
import type { CommandSpec } from './types';

export const clientHistory: CommandSpec = {
  name: 'client history',
  summary: "who changed a client's details, and when (a deleted client by its id)",
  availability: { when: 'permitted', action: 'client.history' },
  args: [{ name: 'client', required: true, rest: true, complete: 'client' }],
  output: 'list',
  run: async (ctx, input) => listResult(await ctx.as((s) => recordHistory(s, 'clients', arg(input, 'client'), limitOf(input))), HISTORY_COLUMNS),
};
