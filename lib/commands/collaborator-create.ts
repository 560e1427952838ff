import { COLLABORATOR_COLUMNS } from '../output/columns';
import { parseRole } from '../roles';
import { createCollaborator } from '../services/collaborators';
import { flag, permitted, ROLE, text } from './declare';
import { announcePassword } from './password-notice';
import { oneTimePassword, ownPassword } from './prompting';
import { recordResult } from './shared';

export const collaboratorCreate = permitted({
  name: 'collaborator create',
  summary: 'hire a collaborator, with a one-time password',
  options: {
    name: text('full name', { placeholder: 'full name', required: true }),
    email: text('email address (their login)', { required: true }),
    role: ROLE('management, sales or support', { required: true }),
    'password-stdin': flag('read the one-time password from standard input (then your own on the next line, for a manager)'),
  },
  run: async (ctx, { options }) => {
    const role = parseRole(options.role);
    const password = await oneTimePassword(ctx, options['password-stdin']);
    const actorPassword = role === 'management' ? await ownPassword(ctx, options['password-stdin'], 'to create a manager') : undefined;
    const created = await ctx.as((s) => createCollaborator(s, { fullName: options.name, email: options.email, role, password }, { tokens: ctx.tokens, actorPassword }));
    return recordResult(created.collaborator, COLLABORATOR_COLUMNS, announcePassword(`Created ${created.collaborator.role} collaborator #${created.collaborator.id} ${created.collaborator.fullName}`, created.generatedPassword));
  },
});
