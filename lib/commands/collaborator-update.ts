import { COLLABORATOR_COLUMNS } from '../output/columns';
import { updateCollaborator } from '../services/collaborators';
import { flag, permitted, ROLE, text } from './declare';
import { ownPassword } from './prompting';
import { recordResult } from './shared';

export const collaboratorUpdate = permitted({
  name: 'collaborator update',
  summary: "change a collaborator's name, email or role (a role change asks for your password)",
  args: [{ name: 'collaborator', required: true, rest: true, complete: 'collaborator' }],
  options: {
    name: text('new full name', { placeholder: 'full name' }),
    email: text('new email'),
    role: ROLE('new role'),
    'password-stdin': flag('with --role: read your own password from standard input'),
  },
  run: async (ctx, { args, options }) => {
    const { role } = options;
    const actorPassword = role === undefined ? undefined : await ownPassword(ctx, options['password-stdin'], 'to change a role');
    const collaborator = await ctx.as((s) => updateCollaborator(s, args.collaborator, { fullName: options.name, email: options.email, role }, actorPassword));
    return recordResult(collaborator, COLLABORATOR_COLUMNS, `Updated collaborator #${collaborator.id} ${collaborator.fullName}`);
  },
});
