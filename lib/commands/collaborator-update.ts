import { COLLABORATOR_COLUMNS } from '../output/columns';
import { updateCollaborator } from '../services/collaborators';
import { ownPassword } from './prompting';
import { arg, recordResult, text } from './shared';
import type { CommandSpec } from './types';

export const collaboratorUpdate: CommandSpec = {
  name: 'collaborator update',
  summary: "change a collaborator's name, email or role (a role change asks for your password)",
  availability: { when: 'permitted', action: 'collaborator.update' },
  args: [{ name: 'collaborator', required: true, rest: true, complete: 'collaborator' }],
  options: [
    { name: 'name', type: 'string', placeholder: 'full name', summary: 'new full name' },
    { name: 'email', type: 'string', summary: 'new email' },
    { name: 'role', type: 'string', summary: 'new role', complete: 'role' },
    { name: 'password-stdin', type: 'boolean', summary: 'with --role: read your own password from standard input' },
  ],
  run: async (ctx, input) => {
    const role = text(input, 'role');
    const actorPassword = role === undefined ? undefined : await ownPassword(ctx, input, 'to change a role');
    const collaborator = await ctx.as((s) =>
      updateCollaborator(s, arg(input, 'collaborator'), { fullName: text(input, 'name'), email: text(input, 'email'), role }, actorPassword),
    );
    return recordResult(collaborator, COLLABORATOR_COLUMNS, `Updated collaborator #${collaborator.id} ${collaborator.fullName}`);
  },
};
