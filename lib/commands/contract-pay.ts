import { CONTRACT_COLUMNS } from '../output/columns';
import { payContract } from '../services/contracts';
import { permitted } from './declare';
import { recordResult } from './shared';

export const contractPay = permitted({
  name: 'contract pay',
  summary: 'record a payment: lowers the amount due',
  args: [
    { name: 'contract', required: true, complete: 'contract' },
    { name: 'amount', required: true },
  ],
  run: async (ctx, { args }) => {
    const contract = await ctx.as((s) => payContract(s, args.contract, args.amount));
    return recordResult(contract, CONTRACT_COLUMNS, `Payment recorded: ${contract.amountDue} € still due on contract #${contract.id}`);
  },
});
