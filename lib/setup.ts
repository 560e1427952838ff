import fs from 'node:fs';
import type { App } from './app';
import { flag, text } from './commands/declare';
import { parseTyped } from './commands/options';
import { unquoted } from './shell/tokenize';
import { EXIT, UsageError, ValidationError } from './errors';
import { createFirstManager } from './services/auth';
import type { Prompter } from './commands/types';

/**
 * First run: the first management account, only on an empty database. Used by
 * `epic setup` for scripted installs and by the shell when it finds no collaborator.
 */

const SETUP_OPTIONS = {
  name: text('your full name', { placeholder: 'full name' }),
  email: text('your email (your login)'),
  'password-stdin': flag('read the password from standard input'),
} as const;

export interface FirstManager {
  fullName: string;
  email: string;
  password: string;
}

/** Asks for the account at the terminal: name, email, password twice. */
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

export async function createFirstAccount(app: App, account: FirstManager) {
  return createFirstManager({ sequelize: await app.db(), clock: app.clock }, account);
}

/** `epic setup --name <name> --email <email> --password-stdin`, or the same asked at a terminal. */
export async function runSetup(app: App, argv: string[], prompt: Prompter): Promise<number> {
  const { options } = parseTyped({ name: 'setup', options: SETUP_OPTIONS }, unquoted(argv));
  const given: Partial<FirstManager> = { fullName: options.name, email: options.email };
  if (options['password-stdin']) {
    given.password = fs.readFileSync(0, 'utf8').split(/\r?\n/)[0];
    if (given.password === '') throw new UsageError('no password on standard input');
  }
  if (!prompt.interactive && (given.fullName === undefined || given.email === undefined || given.password === undefined)) {
    throw new UsageError('not on a terminal: give --name, --email and --password-stdin');
  }
  const manager = await createFirstAccount(app, await askFirstManager(prompt, given));
  process.stderr.write(`Created the first manager, ${manager.fullName} <${manager.email}>. Log in with: epic login ${manager.email}\n`);
  return EXIT.ok;
}
