import { COLLABORATOR_COLUMNS } from '../output/columns';
import { listCollaborators } from '../services/collaborators';
import { permitted, ROLE } from './declare';
import { listResult } from './shared';

export const collaboratorList = permitted({
  name: 'collaborator list',
  summary: 'list collaborators',
  output: 'list',
  options: { role: ROLE('management, sales or support') },
  run: async (ctx, { options }) => listResult(await ctx.as((s) => listCollaborators(s, options)), COLLABORATOR_COLUMNS),
});
