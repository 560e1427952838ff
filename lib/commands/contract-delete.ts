import { deleteContract } from '../services/contracts';
import { permitted } from './declare';

export const contractDelete = permitted({
  name: 'contract delete',
  summary: 'delete a contract that has no event',
  args: [{ name: 'contract', required: true, complete: 'contract' }],
  confirm: ({ args }) => `Delete contract ${args.contract}?`,
  run: async (ctx, { args }) => {
    const contract = await ctx.as((s) => deleteContract(s, args.contract));
    return { message: `Deleted contract #${contract.id} of ${contract.client}` };
  },
});
