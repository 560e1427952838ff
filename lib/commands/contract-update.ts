import { CONTRACT_COLUMNS } from '../output/columns';
import { updateContract } from '../services/contracts';
import { money, permitted } from './declare';
import { recordResult } from './shared';

export const contractUpdate = permitted({
  name: 'contract update',
  summary: "change a contract's amounts",
  args: [{ name: 'contract', required: true, complete: 'contract' }],
  options: {
    total: money('new total amount in euros'),
    due: money('new amount due in euros'),
  },
  run: async (ctx, { args, options }) => {
    const contract = await ctx.as((s) => updateContract(s, args.contract, options));
    return recordResult(contract, CONTRACT_COLUMNS, `Updated contract #${contract.id}`);
  },
});
