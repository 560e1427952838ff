import { COLLABORATOR_COLUMNS } from '../output/columns';
import { listCollaborators } from '../services/collaborators';
import { limitOf, listResult, text } from './shared';
import type { CommandSpec } from './types';

export const collaboratorList: CommandSpec = {
  name: 'collaborator list',
  summary: 'list collaborators',
  availability: { when: 'permitted', action: 'collaborator.list' },
  output: 'list',
  options: [{ name: 'role', type: 'string', summary: 'management, sales or support', complete: 'role' }],
  run: async (ctx, input) => listResult(await ctx.as((s) => listCollaborators(s, { role: text(input, 'role'), limit: limitOf(input) })), COLLABORATOR_COLUMNS),
};
