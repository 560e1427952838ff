import { CONTRACT_COLUMNS } from '../output/columns';
import { signContract } from '../services/contracts';
import { arg, recordResult } from './shared';
import type { CommandSpec } from './types';

export const contractSign: CommandSpec = {
  name: 'contract sign',
  summary: 'mark a contract as signed (cannot be undone)',
  availability: { when: 'permitted', action: 'contract.sign' },
  args: [{ name: 'contract', required: true, complete: 'contract' }],
  run: async (ctx, input) => {
    const contract = await ctx.as((s) => signContract(s, arg(input, 'contract')));
    return recordResult(contract, CONTRACT_COLUMNS, `Contract #${contract.id} is signed`);
  },
};
