import { COLLABORATOR_COLUMNS } from '../output/columns';
import { showCollaborator } from '../services/collaborators';
import { permitted } from './declare';
import { recordResult } from './shared';

export const collaboratorShow = permitted({
  name: 'collaborator show',
  summary: 'show a collaborator',
  args: [{ name: 'collaborator', required: true, rest: true, complete: 'collaborator' }],
  output: 'show',
  run: async (ctx, { args }) => recordResult(await ctx.as((s) => showCollaborator(s, args.collaborator)), COLLABORATOR_COLUMNS),
});
