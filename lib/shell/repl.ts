import path from 'node:path';
import type { App } from '../app';
import { findCommand } from '../commands';
import { EXIT } from '../errors';
import type { IOStreams } from '../io/streams';
import { ShellSession } from '../session/shell-session';
import { ensurePrivateDir } from '../paths';
import { completeLine, type CompletionSource } from './completion';
import { offerFirstRun } from './first-run';
import { vorpalEditor, type EditorHandlers, type LineEditor } from './line-editor';
import { terminalPrompter } from './prompts';
import { Runner } from './runner';
import { tokenize } from './tokenize';

/**
 * The persistent shell. The line editor only draws the prompt, keeps history and offers
 * completions: every line goes to the Runner, the same as one-shot commands use.
 */

/** History is the operating-system user's own (their configuration folder), never the shared data folder. */
export function historyDir(app: App): string {
  return path.join(app.config.configDir, 'history');
}

export interface Shell {
  runner: Runner;
  session: ShellSession;
  /** What the line editor calls: a line typed, Tab, Ctrl-C, Ctrl-D. */
  handlers: EditorHandlers;
  /** Sets the prompt and the history for who is logged in now. */
  sync(): void;
  /** Resolves with the exit code once the user leaves. */
  closed: Promise<number>;
}

export function createShell(app: App, editor: LineEditor, io: IOStreams): Shell {
  // Files the shell creates (history, error log) are for its user only, inside a 0700 folder too.
  process.umask(0o077);
  const session = new ShellSession(app, editor);
  const runner = new Runner({ app, prompt: editor, session, io, keepsRunning: true });

  let finished: (code: number) => void = () => undefined;
  const closed = new Promise<number>((resolve) => {
    finished = resolve;
  });
  let closing = false;
  const close = (code: number) => {
    if (closing) return;
    closing = true;
    editor.stop();
    finished(code);
  };

  const sync = () => {
    const id = session.collaboratorId();
    ensurePrivateDir(historyDir(app));
    editor.useHistory(historyDir(app), id === undefined ? 'logged-out' : `collaborator-${id}`, keepsInHistory);
    editor.setPrompt(session.role() ? `epic (${session.fullName()} · ${session.role()})>` : 'epic>');
  };

  // Once after each login (not after the password is asked again on an idle session, which
  // keeps the same collaborator), unless turned off or the password must be changed first.
  const loggedInWithAgenda = () => app.config.agendaAtLogin && session.collaboratorId() !== undefined && !session.mustChangePassword();

  // Names are read in the session: an idle (locked) or ended one lists nothing.
  const completion: CompletionSource = { read: (work) => session.read(work), commands: () => runner.available() };
  const handlers: EditorHandlers = {
    line: async (line) => {
      const before = session.collaboratorId();
      try {
        await runner.executeLine(line);
        if (before === undefined && loggedInWithAgenda()) await runner.executeLine('agenda');
      } finally {
        sync();
        if (runner.exitRequested) close(EXIT.ok);
      }
    },
    // A completion that fails offers nothing.
    complete: async (before, tabs) => completeLine(completion, before, tabs).catch(() => ({})),
    interrupt: (typed) => {
      if (!typed) runner.say('(type exit or press Ctrl-D to leave)', 'dim');
    },
    end: () => close(EXIT.ok),
  };

  return { runner, session, handlers, sync, closed };
}

/**
 * Only known commands stay in the history: a password typed at the prompt by mistake is
 * not a command, and `login alice@x.fr hunter2` (a password typed as an argument, refused
 * since login takes only an email, passwd nothing) is forgotten too.
 */
export function keepsInHistory(line: string): boolean {
  let words: string[];
  try {
    words = tokenize(line).words.map((word) => word.text);
  } catch {
    return false;
  }
  const found = findCommand(words);
  if (!found) return false;
  const positional = found.rest.filter((word) => !word.startsWith('--'));
  if (found.spec.name === 'login') return positional.length <= 1;
  return found.spec.name !== 'passwd' || positional.length === 0;
}

/** The shell on the terminal of `io`. */
export async function runRepl(app: App, io: IOStreams): Promise<number> {
  const editor = vorpalEditor(io);
  const shell = createShell(app, editor, io);
  // Before the editor takes the terminal: first-run questions are plain masked prompts.
  await offerFirstRun(app, shell.session, terminalPrompter(io), {
    say: (text, style) => shell.runner.say(text, style),
    fail: (error) => void shell.runner.report(error),
  });
  shell.sync();
  editor.start(shell.handlers);
  const code = await shell.closed;
  // Leaving ends the session in the database too; an unreachable database must not hold the exit.
  await shell.session.logout().catch(() => undefined);
  io.stderr.write('\n');
  return code;
}
