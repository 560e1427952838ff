import { resetPassword } from '../services/collaborators';
import { announcePassword } from './password-notice';
import { oneTimePassword } from './prompting';
import { arg } from './shared';
import type { CommandSpec } from './types';

export const collaboratorResetPassword: CommandSpec = {
  name: 'collaborator reset-password',
  summary: 'set a one-time password and unlock the account',
  availability: { when: 'permitted', action: 'collaborator.reset-password' },
  args: [{ name: 'collaborator', required: true, rest: true, complete: 'collaborator' }],
  options: [{ name: 'password-stdin', type: 'boolean', summary: 'read the one-time password from standard input' }],
  run: async (ctx, input) => {
    const password = await oneTimePassword(ctx, input);
    const reset = await ctx.as((s) => resetPassword(s, arg(input, 'collaborator'), password, { bcryptCost: ctx.settings.bcryptCost, tokens: ctx.tokens }));
    return { message: announcePassword(`Password of ${reset.collaborator.fullName} reset, their sessions revoked`, reset.generatedPassword) };
  },
};
