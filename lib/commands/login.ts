import { UsageError } from '../errors';
import { flag, session } from './declare';

export const login = session('logged-out', {
  name: 'login',
  summary: 'log in with your email and password',
  args: [{ name: 'email', required: false }],
  options: { 'password-stdin': flag('read the password from standard input') },
  run: async (ctx, { args, options }) => {
    let email = args.email;
    if (email === undefined) {
      if (!ctx.prompt.interactive) throw new UsageError('missing <email>; usage: login <email> [--password-stdin]');
      email = await ctx.prompt.ask('Email: ');
    }
    let password: string;
    if (options['password-stdin']) [password] = await ctx.stdinLines(1);
    else if (ctx.prompt.interactive) password = await ctx.prompt.askSecret('Password: ');
    else throw new UsageError('not on a terminal: give --password-stdin and the password on standard input');
    const who = await ctx.session.login(email, password);
    const greeting = `Logged in as ${who.fullName} (${who.role}).`;
    return { message: who.mustChangePassword ? `${greeting} Your password was set by a manager: choose your own now with \`passwd\`.` : greeting };
  },
});
