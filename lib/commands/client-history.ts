import { HISTORY_COLUMNS } from '../output/columns';
import { recordHistory } from '../services/history';
import { permitted } from './declare';
import { listResult } from './shared';

export const clientHistory = permitted({
  name: 'client history',
  summary: "who changed a client's details, and when (a deleted client by its id)",
  args: [{ name: 'client', required: true, rest: true, complete: 'client' }],
  output: 'list',
  run: async (ctx, { args, options }) => listResult(await ctx.as((s) => recordHistory(s, 'clients', args.client, options.limit)), HISTORY_COLUMNS),
});
