import { CLIENT_FOLLOW_UP_COLUMNS } from '../output/columns';
import { listClients } from '../services/clients';
import { limitOf, listResult, text } from './shared';
import type { CommandSpec } from './types';

export const clientList: CommandSpec = {
  name: 'client list',
  summary: 'list clients (30 unless --limit or --all)',
  availability: { when: 'permitted', action: 'client.list' },
  output: 'list',
  options: [
    { name: 'mine', type: 'boolean', summary: 'only my clients' },
    { name: 'search', type: 'string', placeholder: 'text', summary: 'name, email, company or phone containing the text' },
    { name: 'sales', type: 'string', placeholder: 'collaborator', summary: 'clients of this sales collaborator', complete: 'collaborator' },
    { name: 'not-contacted-since', type: 'string', placeholder: 'days|date', summary: 'no interaction logged since (30: the last 30 days)' },
  ],
  run: async (ctx, input) =>
    listResult(
      await ctx.as((s) =>
        listClients(s, {
          mine: input.options.mine === true,
          search: text(input, 'search'),
          sales: text(input, 'sales'),
          notContactedSince: text(input, 'not-contacted-since'),
          limit: limitOf(input),
        }),
      ),
      CLIENT_FOLLOW_UP_COLUMNS,
    ),
};
