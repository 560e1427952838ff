import { deleteCollaborator } from '../services/collaborators';
import { arg, text } from './shared';
import type { CommandSpec } from './types';

export const collaboratorDelete: CommandSpec = {
  name: 'collaborator delete',
  summary: "delete a collaborator (a salesperson's clients go to --reassign-to)",
  availability: { when: 'permitted', action: 'collaborator.delete' },
  args: [{ name: 'collaborator', required: true, rest: true, complete: 'collaborator' }],
  options: [{ name: 'reassign-to', type: 'string', placeholder: 'collaborator', summary: 'sales collaborator who takes over the clients', complete: 'collaborator' }],
  confirm: (input) => `Delete collaborator ${input.args.collaborator}?`,
  run: async (ctx, input) => {
    const gone = await ctx.as((s) => deleteCollaborator(s, arg(input, 'collaborator'), { reassignTo: text(input, 'reassign-to') }));
    return { message: `Deleted collaborator #${gone.id} ${gone.fullName}` };
  },
};
