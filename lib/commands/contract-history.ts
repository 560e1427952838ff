import { HISTORY_COLUMNS } from '../output/columns';
import { recordHistory } from '../services/history';
import { arg, limitOf, listResult } from './shared';
import type { CommandSpec } from './types';

export const contractHistory: CommandSpec = {
  name: 'contract history',
  summary: 'who changed a contract (amounts, signature), and when',
  availability: { when: 'permitted', action: 'contract.history' },
  args: [{ name: 'contract', required: true }],
  output: 'list',
  run: async (ctx, input) => listResult(await ctx.as((s) => recordHistory(s, 'contracts', arg(input, 'contract'), limitOf(input))), HISTORY_COLUMNS),
};
