import { CONTRACT_COLUMNS } from '../output/columns';
import { showContract } from '../services/contracts';
import { arg, recordResult } from './shared';
import type { CommandSpec } from './types';

export const contractShow: CommandSpec = {
  name: 'contract show',
  summary: 'show a contract',
  availability: { when: 'permitted', action: 'contract.show' },
  args: [{ name: 'contract', required: true, complete: 'contract' }],
  output: 'show',
  run: async (ctx, input) => recordResult(await ctx.as((s) => showContract(s, arg(input, 'contract'))), CONTRACT_COLUMNS),
};
