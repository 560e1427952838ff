import path from 'node:path';
import type { App } from '../app';
import type { CommandSpec, Prompter } from '../commands/types';
import { optionsOf } from '../commands/options';
import { AppError, Cancelled, EXIT } from '../errors';
import { needsFirstManager } from '../services/auth';
import { askFirstManager, createFirstAccount } from '../setup';
import { ShellSession } from '../session/shell-session';
import { ensurePrivateDir } from '../paths';
import { complete } from './completion';
import { terminalPrompter } from './prompts';
import { Runner, type Streams } from './runner';
import { tokenize } from './tokenize';
import type { VorpalCommand, VorpalInstance, VorpalShell } from './vorpal-types';

/**
 * The persistent shell (README, "Using the shell"), on vorpal. Vorpal only draws the prompt, keeps history and
 * completes words: every line goes to the Runner, the same as one-shot commands use, so
 * vorpal's own parsing (minimist, pipes, help) never sees the user's text.
 */

export function historyDir(app: App): string {
  return path.join(app.config.dataDir, 'history');
}

export interface Shell {
  vorpal: VorpalShell;
  runner: Runner;
  session: ShellSession;
  /** Registers exactly the commands the current role may run, and sets prompt and history. */
  sync(): void;
  /** Resolves with the exit code once the user leaves. */
  closed: Promise<number>;
}

export function createShell(app: App, streams: Streams = terminalStreams()): Shell {
  // Files the shell creates (history, error log) are for its user only, inside a 0700 folder too.
  process.umask(0o077);
  const Vorpal = require('vorpal') as new () => VorpalShell;
  const vorpal = new Vorpal();
  // vorpal sends SIGTERM to its Ctrl-C handler; SIGTERM means leave (handled below).
  process.removeAllListeners('SIGTERM');
  let active: VorpalInstance | undefined;
  let cancelRequested = false;
  const ask = async (question: object) => {
    if (!active) throw new Error('no command is running to ask from');
    const { answer } = await active.prompt({ name: 'answer', ...question });
    // Ctrl-C at a question ends it with an empty answer: that is a cancellation, not an answer
    // (an empty password must not count as a failed login).
    if (cancelRequested) {
      cancelRequested = false;
      throw new Cancelled('cancelled');
    }
    return answer;
  };
  const prompt: Prompter = {
    interactive: true,
    ask: async (message) => String(await ask({ type: 'input', message })),
    askSecret: async (message) => String(await ask({ type: 'password', message })),
    confirm: async (message) => (await ask({ type: 'confirm', message, default: false })) === true,
  };
  const session = new ShellSession(app, prompt);
  const runner = new Runner({ app, prompt, session, streams });

  ensurePrivateDir(historyDir(app));
  vorpal.historyStoragePath(historyDir(app));

  let pendingLine = '';
  vorpal.on('client_prompt_submit', (line) => {
    pendingLine = line;
  });

  let finished: (code: number) => void = () => undefined;
  const closed = new Promise<number>((resolve) => {
    finished = resolve;
  });
  let closing = false;
  const close = (code: number) => {
    if (closing) return;
    closing = true;
    vorpal.hide();
    finished(code);
  };

  const run = async function (this: VorpalInstance) {
    active = this;
    if (mayHoldPassword(pendingLine)) forgetLastHistoryLine(vorpal);
    try {
      await runner.executeLine(pendingLine);
    } finally {
      active = undefined;
      sync();
      if (runner.exitRequested) close(EXIT.ok);
    }
  };

  const registered = new Map<string, VorpalCommand>();
  let currentHistory: string | undefined;
  const register = (spec: CommandSpec) => {
    const command = vorpal.command(spec.name, spec.summary);
    // Options are declared for Tab completion only: the Runner parses the line itself.
    for (const option of optionsOf(spec)) command.option(`--${option.name}${option.type === 'string' ? ` <${option.placeholder ?? option.name}>` : ''}`, option.summary);
    command.allowUnknownOptions();
    command.parse(() => spec.name);
    command.autocomplete({ data: () => safeComplete(vorpal.ui.input()) });
    command.action(run);
    registered.set(spec.name, command);
  };
  const safeComplete = async (line: string): Promise<string[]> => {
    // A completer that rejects would kill the REPL. Names are read in the session, so an idle
    // (locked) or ended one lists nothing.
    return complete({ read: (work) => session.read(work) }, line).catch(() => []);
  };

  /** Registers exactly the commands the current role may run; removes the others. */
  const sync = () => {
    const wanted = new Set(runner.available().map((spec) => spec.name));
    for (const [name, command] of registered) {
      if (!wanted.has(name)) {
        command.remove();
        registered.delete(name);
      }
    }
    for (const spec of runner.available()) if (!registered.has(spec.name)) register(spec);
    const id = session.collaboratorId();
    const history = id === undefined ? 'logged-out' : `collaborator-${id}`;
    if (history !== currentHistory) {
      // vorpal appends the new history to the one in memory: empty it first.
      vorpal.cmdHistory._hist.length = 0;
      vorpal.history(history);
      currentHistory = history;
    }
    vorpal.delimiter(session.role() ? `epic (${session.fullName()} · ${session.role()})>` : 'epic>');
  };

  for (const builtIn of ['exit', 'help']) vorpal.find(builtIn)?.remove();
  // Unknown words, or commands of another role: the Runner says which.
  vorpal.catch('[words...]').parse(() => '__').allowUnknownOptions().action(run);

  vorpal.sigint(() => {
    // Ctrl-C cancels the question a command is asking, or drops the line being typed (vorpal's
    // own handler would exit on the second press, skipping the pool close and the flush).
    if (active) {
      cancelRequested = true;
      vorpal.ui.submit('');
      return;
    }
    const typed = vorpal.ui.input().trim() !== '';
    vorpal.ui.imprint();
    if (!typed) runner.say('(type exit or press Ctrl-D to leave)', 'dim');
    vorpal.ui.submit('');
  });
  vorpal.on('client_keypress', (event) => {
    if (event.key?.ctrl && event.key.name === 'd' && vorpal.ui.input() === '') close(EXIT.ok);
  });
  for (const signal of ['SIGTERM', 'SIGHUP'] as const) process.once(signal, () => close(EXIT.ok));

  return { vorpal, runner, session, sync, closed };
}

/**
 * `login alice@x.fr hunter2`: a password typed as an argument by mistake. Such a line is
 * refused (login takes only an email, passwd nothing), and must not stay in the history file.
 */
function mayHoldPassword(line: string): boolean {
  let words: string[];
  try {
    words = tokenize(line).words.map((word) => word.text);
  } catch {
    words = line.trim().split(/\s+/);
  }
  const positional = words.slice(1).filter((word) => !word.startsWith('--'));
  if (words[0] === 'login') return positional.length > 1;
  return words[0] === 'passwd' && positional.length > 0;
}

function forgetLastHistoryLine(vorpal: VorpalShell): void {
  const history = vorpal.cmdHistory;
  history._hist.pop();
  if (history._storageKey) history._localStorage.setItem(history._storageKey, JSON.stringify(history._hist));
}

function terminalStreams(): Streams {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdoutIsTerminal: process.stdout.isTTY === true,
    stderrIsTerminal: process.stderr.isTTY === true,
    get columns() {
      return process.stdout.columns;
    },
  };
}

export async function runRepl(app: App): Promise<number> {
  const shell = createShell(app);
  await offerFirstRun(app, shell.runner, shell.session, terminalPrompter());
  shell.sync();
  shell.vorpal.show();
  const code = await shell.closed;
  // Leaving ends the session in the database too; an unreachable database must not hold the exit.
  await shell.session.logout().catch(() => undefined);
  process.stderr.write('\n');
  return code;
}

/**
 * On an empty database, the first manager account is created here and logged in.
 * A refused answer (a weak password, say) asks again; an empty name gives up for now.
 */
export async function offerFirstRun(app: App, runner: Runner, session: ShellSession, terminal: Prompter): Promise<void> {
  try {
    await app.db();
    if (!(await needsFirstManager({ sequelize: await app.db(), clock: app.clock }))) return;
  } catch (error) {
    if (error instanceof AppError) return runner.say(`error: ${error.message}`, 'red');
    throw error;
  }
  runner.say('Welcome to Epic Events CRM. No account exists yet: create the first manager account (an empty name to skip).');
  for (;;) {
    try {
      const fullName = await terminal.ask('Your full name: ');
      if (fullName.trim() === '') return;
      const account = await askFirstManager(terminal, { fullName });
      await createFirstAccount(app, account);
      const who = await session.login(account.email, account.password);
      return runner.say(`Created and logged in as ${who.fullName} (${who.role}). Type help to see what you can do.`, 'green');
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      runner.say(`error: ${error.message}`, 'red');
    }
  }
}
