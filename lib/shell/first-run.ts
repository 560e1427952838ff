import type { App } from '../app';
import type { Prompter } from '../session/contracts';
import { AppError, Cancelled, ValidationError } from '../errors';
import { createFirstManager, needsFirstManager } from '../services/auth';
import type { ShellSession } from '../session/shell-session';
import { askFirstManager, type FirstManager } from '../setup';

/** Where first-run onboarding writes: the runner's one-line messages, and errors as every command's are shown. */
export interface FirstRunOutput {
  say(text: string, style?: 'green' | 'dim'): void;
  fail(error: AppError): void;
}

const LATER = 'to create the first manager later, run `epic setup` or start `epic` again';

/**
 * On an empty database, the first manager account is created here and logged in. A refused
 * answer asks again for that answer only (a weak password asks for the password, not the
 * name); an empty name, or Ctrl-C, leaves setup for later and says how to come back to it.
 */
export async function offerFirstRun(app: App, session: ShellSession, terminal: Prompter, { say, fail }: FirstRunOutput): Promise<void> {
  try {
    await app.db();
    if (!(await needsFirstManager({ sequelize: await app.db(), clock: app.clock }))) return;
  } catch (error) {
    if (error instanceof AppError) return fail(error);
    throw error;
  }
  say('Welcome to Epic Events CRM. No account exists yet: create the first manager account (an empty name to skip).');
  const given: Partial<FirstManager> = {};
  for (;;) {
    try {
      given.fullName ??= await terminal.ask('Your full name: ');
      if (given.fullName.trim() === '') return say(`No account was created; ${LATER}.`, 'dim');
      const account = await askFirstManager(terminal, given);
      Object.assign(given, account);
      await createFirstManager({ sequelize: await app.db(), clock: app.clock }, account);
      const who = await session.login(account.email, account.password);
      return say(`Created and logged in as ${who.fullName} (${who.role}). Type help to see what you can do.`, 'green');
    } catch (error) {
      if (error instanceof Cancelled) return say(`setup cancelled; ${LATER}.`, 'dim');
      if (!(error instanceof AppError)) throw error;
      fail(error);
      const field = error instanceof ValidationError ? error.field : undefined;
      if (field === 'name') given.fullName = undefined;
      else if (field === 'email') given.email = undefined;
      else if (field === 'password') given.password = undefined;
      else return;
    }
  }
}
