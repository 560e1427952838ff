import { UsageError } from '../errors';
import { arg } from './shared';
import type { CommandSpec } from './types';

export const login: CommandSpec = {
  name: 'login',
  summary: 'log in with your email and password',
  availability: { when: 'logged-out' },
  args: [{ name: 'email', required: false }],
  options: [{ name: 'password-stdin', type: 'boolean', summary: 'read the password from standard input' }],
  run: async (ctx, input) => {
    const email = input.args.email ?? (ctx.prompt.interactive ? await ctx.prompt.ask('Email: ') : arg(input, 'email'));
    let password: string;
    if (input.options['password-stdin']) [password] = await ctx.stdinLines(1);
    else if (ctx.prompt.interactive) password = await ctx.prompt.askSecret('Password: ');
    else throw new UsageError('not on a terminal: give --password-stdin and the password on standard input');
    const who = await ctx.session.login(email, password);
    const greeting = `Logged in as ${who.fullName} (${who.role}).`;
    return { message: who.mustChangePassword ? `${greeting} Your password was set by a manager: choose your own now with \`passwd\`.` : greeting };
  },
};
