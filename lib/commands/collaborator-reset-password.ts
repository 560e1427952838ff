import { resetPassword, resetPasswordTarget } from '../services/collaborators';
import { announcePassword } from './password-notice';
import { oneTimePassword, ownPassword } from './prompting';
import { arg } from './shared';
import type { CommandSpec } from './types';

export const collaboratorResetPassword: CommandSpec = {
  name: 'collaborator reset-password',
  summary: 'set a one-time password and unlock the account (not your own: use passwd)',
  availability: { when: 'permitted', action: 'collaborator.reset-password' },
  args: [{ name: 'collaborator', required: true, rest: true, complete: 'collaborator' }],
  options: [
    {
      name: 'password-stdin',
      type: 'boolean',
      summary: "read the one-time password from standard input (then your own on the next line, for a manager's account)",
    },
  ],
  run: async (ctx, input) => {
    const ref = arg(input, 'collaborator');
    // Who it is decides what to ask; questions come before the transaction that writes.
    const target = await ctx.as((s) => resetPasswordTarget(s, ref));
    const password = await oneTimePassword(ctx, input);
    const actorPassword = target.role === 'management' ? await ownPassword(ctx, input, "to set a manager's password") : undefined;
    const reset = await ctx.as((s) => resetPassword(s, ref, password, { tokens: ctx.tokens, actorPassword }));
    return { message: announcePassword(`Password of ${reset.collaborator.fullName} reset, their sessions revoked`, reset.generatedPassword) };
  },
};
