import { CONTRACT_COLUMNS } from '../output/columns';
import { eachContractBatch, listContracts } from '../services/contracts';
import { flag, permitted, text } from './declare';
import { listOrStream, oneOfTwo } from './shared';

export const contractList = permitted({
  name: 'contract list',
  summary: 'list contracts',
  output: 'list',
  options: {
    unsigned: flag('only contracts not signed yet'),
    signed: flag('only signed contracts'),
    unpaid: flag('only contracts with an amount due'),
    paid: flag('only fully paid contracts'),
    client: text('contracts of this client', { complete: 'client' }),
    mine: flag('contracts of my clients'),
  },
  exclusive: [
    ['signed', 'unsigned'],
    ['paid', 'unpaid'],
  ],
  run: async (ctx, { options }) => {
    const filters = {
      signed: oneOfTwo(options.signed, options.unsigned),
      paid: oneOfTwo(options.paid, options.unpaid),
      client: options.client,
      mine: options.mine,
      limit: options.limit,
    };
    return listOrStream(
      ctx,
      CONTRACT_COLUMNS,
      options.limit,
      (s) => listContracts(s, filters),
      (s, sink) => eachContractBatch(s, filters, sink),
    );
  },
});
