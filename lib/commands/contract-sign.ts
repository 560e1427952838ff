import { CONTRACT_COLUMNS } from '../output/columns';
import { signContract } from '../services/contracts';
import { permitted } from './declare';
import { recordResult } from './shared';

export const contractSign = permitted({
  name: 'contract sign',
  summary: 'mark a contract as signed (cannot be undone)',
  args: [{ name: 'contract', required: true, complete: 'contract' }],
  run: async (ctx, { args }) => {
    const contract = await ctx.as((s) => signContract(s, args.contract));
    return recordResult(contract, CONTRACT_COLUMNS, `Contract #${contract.id} is signed`);
  },
});
