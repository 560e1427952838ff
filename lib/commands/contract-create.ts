import { CONTRACT_COLUMNS } from '../output/columns';
import { createContract } from '../services/contracts';
import { flag, money, permitted, text } from './declare';
import { recordResult } from './shared';

export const contractCreate = permitted({
  name: 'contract create',
  summary: 'create a contract for a client',
  options: {
    client: text('the client', { complete: 'client', required: true }),
    total: money('total amount in euros', { required: true }),
    due: money('amount still due (default: the total)'),
    signed: flag('already signed'),
  },
  run: async (ctx, { options }) => {
    const contract = await ctx.as((s) => createContract(s, options));
    return recordResult(contract, CONTRACT_COLUMNS, `Created contract #${contract.id} for ${contract.client}`);
  },
});
