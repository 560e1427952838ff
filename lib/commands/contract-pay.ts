import { CONTRACT_COLUMNS } from '../output/columns';
import { payContract } from '../services/contracts';
import { arg, recordResult } from './shared';
import type { CommandSpec } from './types';

export const contractPay: CommandSpec = {
  name: 'contract pay',
  summary: 'record a payment: lowers the amount due',
  availability: { when: 'permitted', action: 'contract.pay' },
  args: [
    { name: 'contract', required: true, complete: 'contract' },
    { name: 'amount', required: true },
  ],
  run: async (ctx, input) => {
    const contract = await ctx.as((s) => payContract(s, arg(input, 'contract'), arg(input, 'amount')));
    return recordResult(contract, CONTRACT_COLUMNS, `Payment recorded: ${contract.amountDue} € still due on contract #${contract.id}`);
  },
};
