import { deleteContract } from '../services/contracts';
import { arg } from './shared';
import type { CommandSpec } from './types';

export const contractDelete: CommandSpec = {
  name: 'contract delete',
  summary: 'delete a contract that has no event',
  availability: { when: 'permitted', action: 'contract.delete' },
  args: [{ name: 'contract', required: true, complete: 'contract' }],
  confirm: (input) => `Delete contract ${input.args.contract}?`,
  run: async (ctx, input) => {
    const contract = await ctx.as((s) => deleteContract(s, arg(input, 'contract')));
    return { message: `Deleted contract #${contract.id} of ${contract.client}` };
  },
};
