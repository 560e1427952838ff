import { contractToDelete, deleteContract } from '../services/contracts';
import { permitted } from './declare';

export const contractDelete = permitted({
  name: 'contract delete',
  summary: 'delete a contract that has no event',
  args: [{ name: 'contract', required: true, complete: 'contract' }],
  confirm: async (ctx, { args }) => {
    const contract = await ctx.as((s) => contractToDelete(s, args.contract));
    return `Delete contract #${contract.id} of ${contract.client} (${contract.signed ? 'signed' : 'unsigned'})?`;
  },
  run: async (ctx, { args }) => {
    const contract = await ctx.as((s) => deleteContract(s, args.contract));
    return { message: `Deleted contract #${contract.id} of ${contract.client}` };
  },
});
