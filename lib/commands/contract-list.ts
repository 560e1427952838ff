import { CONTRACT_COLUMNS } from '../output/columns';
import { listContracts } from '../services/contracts';
import { eitherFlag, limitOf, listResult, text } from './shared';
import type { CommandSpec } from './types';

export const contractList: CommandSpec = {
  name: 'contract list',
  summary: 'list contracts',
  availability: { when: 'permitted', action: 'contract.list' },
  output: 'list',
  options: [
    { name: 'unsigned', type: 'boolean', summary: 'only contracts not signed yet' },
    { name: 'signed', type: 'boolean', summary: 'only signed contracts' },
    { name: 'unpaid', type: 'boolean', summary: 'only contracts with an amount due' },
    { name: 'paid', type: 'boolean', summary: 'only fully paid contracts' },
    { name: 'client', type: 'string', summary: 'contracts of this client', complete: 'client' },
    { name: 'mine', type: 'boolean', summary: 'contracts of my clients' },
  ],
  run: async (ctx, input) =>
    listResult(
      await ctx.as((s) =>
        listContracts(s, {
          signed: eitherFlag(input, 'signed', 'unsigned'),
          paid: eitherFlag(input, 'paid', 'unpaid'),
          client: text(input, 'client'),
          mine: input.options.mine === true,
          limit: limitOf(input),
        }),
      ),
      CONTRACT_COLUMNS,
    ),
};
