import { deleteCollaborator } from '../services/collaborators';
import { permitted, text } from './declare';

export const collaboratorDelete = permitted({
  name: 'collaborator delete',
  summary: "delete a collaborator (a salesperson's clients go to --reassign-to)",
  args: [{ name: 'collaborator', required: true, rest: true, complete: 'collaborator' }],
  options: { 'reassign-to': text('sales collaborator who takes over the clients', { placeholder: 'collaborator', complete: 'collaborator' }) },
  confirm: ({ args }) => `Delete collaborator ${args.collaborator}?`,
  run: async (ctx, { args, options }) => {
    const gone = await ctx.as((s) => deleteCollaborator(s, args.collaborator, { reassignTo: options['reassign-to'] }));
    return { message: `Deleted collaborator #${gone.id} ${gone.fullName}` };
  },
});
