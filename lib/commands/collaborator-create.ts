import { COLLABORATOR_COLUMNS } from '../output/columns';
import { parseRole } from '../roles';
import { createCollaborator } from '../services/collaborators';
import { oneTimePassword, ownPassword } from './prompting';
import { need, recordResult } from './shared';
import type { CommandSpec } from './types';
import { announcePassword } from './password-notice';

export const collaboratorCreate: CommandSpec = {
  name: 'collaborator create',
  summary: 'hire a collaborator, with a one-time password',
  availability: { when: 'permitted', action: 'collaborator.create' },
  options: [
    { name: 'name', type: 'string', placeholder: 'full name', summary: 'full name', required: true },
    { name: 'email', type: 'string', summary: 'email address (their login)', required: true },
    { name: 'role', type: 'string', summary: 'management, sales or support', complete: 'role', required: true },
    {
      name: 'password-stdin',
      type: 'boolean',
      summary: 'read the one-time password from standard input (then your own on the next line, for a manager)',
    },
  ],
  run: async (ctx, input) => {
    const role = parseRole(need(input, 'role'));
    const password = await oneTimePassword(ctx, input);
    const actorPassword = role === 'management' ? await ownPassword(ctx, input, 'to create a manager') : undefined;
    const created = await ctx.as((s) =>
      createCollaborator(s, { fullName: need(input, 'name'), email: need(input, 'email'), role, password }, { tokens: ctx.tokens, actorPassword }),
    );
    return recordResult(created.collaborator, COLLABORATOR_COLUMNS, announcePassword(`Created ${created.collaborator.role} collaborator #${created.collaborator.id} ${created.collaborator.fullName}`, created.generatedPassword));
  },
};
