import { CONTRACT_COLUMNS } from '../output/columns';
import { updateContract } from '../services/contracts';
import { arg, recordResult, text } from './shared';
import type { CommandSpec } from './types';

export const contractUpdate: CommandSpec = {
  name: 'contract update',
  summary: "change a contract's amounts",
  availability: { when: 'permitted', action: 'contract.update' },
  args: [{ name: 'contract', required: true, complete: 'contract' }],
  options: [
    { name: 'total', type: 'string', placeholder: 'amount', summary: 'new total amount in euros' },
    { name: 'due', type: 'string', placeholder: 'amount', summary: 'new amount due in euros' },
  ],
  run: async (ctx, input) => {
    const contract = await ctx.as((s) => updateContract(s, arg(input, 'contract'), { total: text(input, 'total'), due: text(input, 'due') }));
    return recordResult(contract, CONTRACT_COLUMNS, `Updated contract #${contract.id}`);
  },
};
