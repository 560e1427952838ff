import { collaboratorToDelete, deleteCollaborator } from '../services/collaborators';
import { plural } from '../output/plural';
import { permitted, text } from './declare';

export const collaboratorDelete = permitted({
  name: 'collaborator delete',
  summary: "delete a collaborator (a salesperson's clients go to --reassign-to)",
  args: [{ name: 'collaborator', required: true, rest: true, complete: 'collaborator' }],
  options: { 'reassign-to': text('sales collaborator who takes over the clients', { placeholder: 'collaborator', complete: 'collaborator' }) },
  confirm: async (ctx, { args, options }) => {
    const { collaborator, clients } = await ctx.as((s) => collaboratorToDelete(s, args.collaborator));
    const heir = clients > 0 && options['reassign-to'] ? `, giving ${plural(clients, 'client')} to ${options['reassign-to']}` : '';
    return `Delete collaborator #${collaborator.id} ${collaborator.fullName} (${collaborator.role})${heir}?`;
  },
  run: async (ctx, { args, options }) => {
    const gone = await ctx.as((s) => deleteCollaborator(s, args.collaborator, { reassignTo: options['reassign-to'] }));
    return { message: `Deleted collaborator #${gone.id} ${gone.fullName}` };
  },
});
