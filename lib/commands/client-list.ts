import { CLIENT_FOLLOW_UP_COLUMNS } from '../output/columns';
import { eachClientBatch, listClients } from '../services/clients';
import { flag, permitted, text } from './declare';
import { listOrStream } from './shared';

export const clientList = permitted({
  name: 'client list',
  summary: 'list clients (30 unless --limit or --all)',
  output: 'list',
  options: {
    mine: flag('only my clients'),
    search: text('name, email, company or phone containing the text', { placeholder: 'text' }),
    sales: text('clients of this sales collaborator', { placeholder: 'collaborator', complete: 'collaborator' }),
    // Days or a date: the service reads which, so it stays text here.
    'not-contacted-since': text('no interaction logged since (30: the last 30 days)', { placeholder: 'days|date' }),
  },
  run: async (ctx, { options }) => {
    const filters = { ...options, notContactedSince: options['not-contacted-since'] };
    return listOrStream(
      ctx,
      CLIENT_FOLLOW_UP_COLUMNS,
      options.limit,
      (s) => listClients(s, filters),
      (s, sink) => eachClientBatch(s, filters, sink),
    );
  },
});
