import { UsageError } from '../errors';
import { changePassword } from '../services/auth';
import { flag, session } from './declare';

export const passwd = session('logged-in', {
  name: 'passwd',
  summary: 'change your password (other sessions are logged out)',
  options: { 'password-stdin': flag('read the current and the new password, one per line, from standard input') },
  run: async (ctx, { options }) => {
    let current: string;
    let next: string;
    if (options['password-stdin']) {
      [current, next] = await ctx.stdinLines(2);
    } else if (ctx.prompt.interactive) {
      current = await ctx.prompt.askSecret('Current password: ');
      next = await ctx.prompt.askSecret('New password (15 characters or more; a phrase is best): ');
      if ((await ctx.prompt.askSecret('New password again: ')) !== next) throw new UsageError('the two new passwords differ; nothing changed');
    } else {
      throw new UsageError('not on a terminal: give --password-stdin with the current and the new password on two lines');
    }
    await ctx.as((s) => changePassword(s, current, next));
    return { message: 'Password changed. Your other sessions were logged out.' };
  },
});
