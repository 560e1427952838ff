import { COLLABORATOR_COLUMNS } from '../output/columns';
import { showCollaborator } from '../services/collaborators';
import { arg, recordResult } from './shared';
import type { CommandSpec } from './types';

export const collaboratorShow: CommandSpec = {
  name: 'collaborator show',
  summary: 'show a collaborator',
  availability: { when: 'permitted', action: 'collaborator.show' },
  args: [{ name: 'collaborator', required: true, rest: true, complete: 'collaborator' }],
  output: 'show',
  run: async (ctx, input) => recordResult(await ctx.as((s) => showCollaborator(s, arg(input, 'collaborator'))), COLLABORATOR_COLUMNS),
};
