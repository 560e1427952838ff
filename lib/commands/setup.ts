import { UsageError } from '../errors';
import { createFirstManager } from '../services/auth';
import { askFirstManager, type FirstManager } from '../setup';
import { flag, systemShell, text } from './declare';

/** `epic setup --name <name> --email <email> --password-stdin` for scripted installs, or the same asked at a terminal. */
export const setup = systemShell({
  name: 'setup',
  summary: 'create the first manager account (empty database only)',
  options: {
    name: text('your full name', { placeholder: 'full name' }),
    email: text('your email (your login)'),
    'password-stdin': flag('read the password from standard input'),
  },
  run: async (ctx, { options }) => {
    const given: Partial<FirstManager> = { fullName: options.name, email: options.email };
    if (options['password-stdin']) [given.password] = await ctx.stdinLines(1);
    if (!ctx.prompt.interactive && (given.fullName === undefined || given.email === undefined || given.password === undefined)) {
      throw new UsageError('not on a terminal: give --name, --email and --password-stdin');
    }
    const manager = await createFirstManager({ sequelize: await ctx.database(), clock: ctx.clock }, await askFirstManager(ctx.prompt, given));
    return { text: [{ lines: [`Created the first manager, ${manager.fullName} <${manager.email}>. Log in with: epic login ${manager.email}`] }] };
  },
});
