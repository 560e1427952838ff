import { HISTORY_COLUMNS } from '../output/columns';
import { recordHistory } from '../services/history';
import { permitted } from './declare';
import { listResult } from './shared';

export const contractHistory = permitted({
  name: 'contract history',
  summary: 'who changed a contract (amounts, signature), and when',
  args: [{ name: 'contract', required: true }],
  output: 'list',
  run: async (ctx, { args, options }) => listResult(await ctx.as((s) => recordHistory(s, 'contracts', args.contract, options.limit)), HISTORY_COLUMNS),
});
