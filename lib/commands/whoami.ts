import { COLLABORATOR_COLUMNS } from '../output/columns';
import { currentCollaborator } from '../services/collaborators';
import { recordResult } from './shared';
import { session } from './declare';

export const whoami = session('logged-in', {
  name: 'whoami',
  summary: 'who is logged in, with which role',
  output: 'show',
  run: async (ctx) => recordResult(await ctx.as(currentCollaborator), COLLABORATOR_COLUMNS.filter((c) => c.key !== 'lockedUntil')),
});
