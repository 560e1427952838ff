import { resetPassword, resetPasswordTarget } from '../services/collaborators';
import { flag, permitted } from './declare';
import { announcePassword } from './password-notice';
import { oneTimePassword, ownPassword } from './prompting';

export const collaboratorResetPassword = permitted({
  name: 'collaborator reset-password',
  summary: 'set a one-time password and unlock the account (not your own: use passwd)',
  args: [{ name: 'collaborator', required: true, rest: true, complete: 'collaborator' }],
  options: { 'password-stdin': flag("read the one-time password from standard input (then your own on the next line, for a manager's account)") },
  run: async (ctx, { args, options }) => {
    // Who it is decides what to ask; questions come before the transaction that writes.
    const target = await ctx.as((s) => resetPasswordTarget(s, args.collaborator));
    const password = await oneTimePassword(ctx, options['password-stdin']);
    const actorPassword = target.role === 'management' ? await ownPassword(ctx, options['password-stdin'], "to set a manager's password") : undefined;
    const reset = await ctx.as((s) => resetPassword(s, args.collaborator, password, { tokens: ctx.tokens, actorPassword }));
    return { message: announcePassword(`Password of ${reset.collaborator.fullName} reset, their sessions revoked`, reset.generatedPassword) };
  },
});
