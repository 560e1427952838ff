import { HISTORY_COLUMNS } from '../output/columns';
import { recordHistory } from '../services/history';
import { permitted } from './declare';
import { listResult } from './shared';

export const collaboratorHistory = permitted({
  name: 'collaborator history',
  summary: "who changed a collaborator's account, and when (never a password, only that it changed)",
  args: [{ name: 'collaborator', required: true, rest: true, complete: 'collaborator' }],
  output: 'list',
  run: async (ctx, { args, options }) => listResult(await ctx.as((s) => recordHistory(s, 'collaborators', args.collaborator, options.limit)), HISTORY_COLUMNS),
});
