import { CONTRACT_COLUMNS } from '../output/columns';
import { createContract } from '../services/contracts';
import { need, recordResult, text } from './shared';
import type { CommandSpec } from './types';

export const contractCreate: CommandSpec = {
  name: 'contract create',
  summary: 'create a contract for a client',
  availability: { when: 'permitted', action: 'contract.create' },
  options: [
    { name: 'client', type: 'string', summary: 'the client', complete: 'client', required: true },
    { name: 'total', type: 'string', placeholder: 'amount', summary: 'total amount in euros', required: true },
    { name: 'due', type: 'string', placeholder: 'amount', summary: 'amount still due (default: the total)' },
    { name: 'signed', type: 'boolean', summary: 'already signed' },
  ],
  run: async (ctx, input) => {
    const contract = await ctx.as((s) =>
      createContract(s, { client: need(input, 'client'), total: need(input, 'total'), due: text(input, 'due'), signed: input.options.signed === true }),
    );
    return recordResult(contract, CONTRACT_COLUMNS, `Created contract #${contract.id} for ${contract.client}`);
  },
};
