import { ValidationError } from './errors';
import type { Prompter } from './session/contracts';

/**
 * First run: the first management account, only on an empty database. Asked by `epic setup`
 * (lib/commands/setup.ts) and by the shell when it finds no collaborator (lib/shell/first-run.ts).
 */

export interface FirstManager {
  fullName: string;
  email: string;
  password: string;
}

/** Asks at the terminal what was not given: name, email, password twice. */
export async function askFirstManager(prompt: Prompter, given: Partial<FirstManager> = {}): Promise<FirstManager> {
  const fullName = given.fullName ?? (await prompt.ask('Your full name: '));
  const email = given.email ?? (await prompt.ask('Your email (your login): '));
  let password = given.password;
  if (password === undefined) {
    password = await prompt.askSecret('Choose a password (15 characters or more; a phrase is best): ');
    if ((await prompt.askSecret('Same password again: ')) !== password) throw new ValidationError('password', 'the two passwords differ; nothing was created');
  }
  return { fullName, email, password };
}
