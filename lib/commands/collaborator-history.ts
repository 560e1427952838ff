import { HISTORY_COLUMNS } from '../output/columns';
import { recordHistory } from '../services/history';
import { arg, limitOf, listResult } from './shared';
import type { CommandSpec } from './types';

export const collaboratorHistory: CommandSpec = {
  name: 'collaborator history',
  summary: "who changed a collaborator's account, and when (never a password, only that it changed)",
  availability: { when: 'permitted', action: 'collaborator.history' },
  args: [{ name: 'collaborator', required: true, rest: true, complete: 'collaborator' }],
  output: 'list',
  run: async (ctx, input) => listResult(await ctx.as((s) => recordHistory(s, 'collaborators', arg(input, 'collaborator'), limitOf(input))), HISTORY_COLUMNS),
};
