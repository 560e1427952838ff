import { CONTRACT_COLUMNS } from '../output/columns';
import { showContract } from '../services/contracts';
import { permitted } from './declare';
import { recordResult } from './shared';

export const contractShow = permitted({
  name: 'contract show',
  summary: 'show a contract',
  args: [{ name: 'contract', required: true, complete: 'contract' }],
  output: 'show',
  run: async (ctx, { args }) => recordResult(await ctx.as((s) => showContract(s, args.contract)), CONTRACT_COLUMNS),
});
