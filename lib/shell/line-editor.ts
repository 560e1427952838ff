import path from 'node:path';
import { Cancelled } from '../errors';
import type { IOStreams } from '../io/streams';
import { colourWanted } from '../output/colour';
import type { Prompter } from '../session/contracts';
import { CommandHistory } from './command-history';
import { confirmQuestion, isYes } from './prompts';

/**
 * What the shell needs from a line editor: read lines, complete them, ask questions, keep a
 * history. vorpal 1.12 draws it; everything that knows vorpal's API is in this file, so that the
 * rest of the shell never depends on it. The history is the shell's own (command-history.ts),
 * given to vorpal through its history extension point.
 */

/** What Tab does: replace the text before the cursor, list candidates, or nothing. */
export interface Completed {
  line?: string;
  list?: string[];
}

export interface EditorHandlers {
  /** One line typed; the next prompt appears once it resolves. */
  line(text: string): Promise<void>;
  /** `before` is the whole line up to the cursor; `tabs` counts Tab presses in a row. */
  complete(before: string, tabs: number): Promise<Completed>;
  /** Ctrl-C with no question asked; `typed` says whether a line was being typed. */
  interrupt(typed: boolean): void;
  /** Ctrl-D on an empty line, SIGTERM or SIGHUP. */
  end(): void;
}

export interface LineEditor extends Prompter {
  /** Takes the terminal and shows the prompt; nothing touches the terminal before. */
  start(handlers: EditorHandlers): void;
  setPrompt(text: string): void;
  /** Switches to the history named `name`, kept as a private file in `dir`, of the lines `keeps` accepts. */
  useHistory(dir: string, name: string, keeps: (line: string) => boolean): void;
  stop(): void;
}

interface VorpalInstance {
  prompt(question: object): Promise<Record<string, unknown>>;
}

interface VorpalCommand {
  parse(fn: (line: string) => string): this;
  allowUnknownOptions(): this;
  autocompletion(fn: (this: unknown, text: string, iteration: number, callback: (error: unknown, result?: string | string[]) => void) => void): this;
  action(fn: (this: VorpalInstance, args: unknown) => Promise<void>): this;
  remove(): this;
}

interface Vorpal {
  on(event: 'client_prompt_submit', listener: (line: string) => void): this;
  on(event: 'client_keypress', listener: (event: { key?: { name?: string; ctrl?: boolean } }) => void): this;
  delimiter(text: string): this;
  show(): this;
  hide(): this;
  sigint(handler: () => void): this;
  catch(name: string): VorpalCommand;
  find(name: string): VorpalCommand | undefined;
  /** The class vorpal makes its history from, when it is constructed. */
  CmdHistoryExtension: new () => CommandHistory;
  cmdHistory: CommandHistory;
  ui: {
    input(text?: string): string | undefined;
    imprint(): void;
    submit(line: string): void;
    delimiter(text?: string): string;
  };
}

/**
 * NO_COLOR also covers what the shell's libraries draw: vorpal and inquirer colour the prompt's
 * default and the typed line once submitted with their own copy of chalk 1, which only checks
 * FORCE_COLOR and --no-color. Their chalk is switched off here.
 */
export function turnOffLibraryColour(): void {
  for (const library of ['vorpal', 'inquirer']) {
    let chalkFile: string;
    try {
      const from = path.dirname(require.resolve(`${library}/package.json`, { paths: [path.dirname(require.resolve('vorpal/package.json'))] }));
      chalkFile = require.resolve('chalk', { paths: [from] });
    } catch {
      continue;
    }
    (require(chalkFile) as { enabled: boolean }).enabled = false;
  }
}

/**
 * vorpal's UI is one object made when the module loads: it listens to SIGINT and SIGTERM and
 * sends both to its Ctrl-C handler, so that `kill` would not stop the shell. Only its own
 * SIGTERM listener is removed; the shell handles SIGTERM itself.
 */
function loadVorpal(noColor: boolean): new () => Vorpal {
  const before = new Set(process.listeners('SIGTERM'));
  // vorpal loads babel-polyfill (core-js 2, end of life) unless a polyfill is said to be in
  // place. Node 20 has every built-in it adds, and package.json overrides core-js with version
  // 3, which babel-polyfill cannot load (README, "Dependencies"): it must stay unloaded.
  (globalThis as { _babelPolyfill?: boolean })._babelPolyfill = true;
  const constructor = require('vorpal') as new () => Vorpal;
  if (noColor) turnOffLibraryColour();
  for (const listener of process.listeners('SIGTERM')) if (!before.has(listener)) process.removeListener('SIGTERM', listener);
  return constructor;
}

/** The shell's line editor on the terminal of `io` (vorpal draws on the process's own terminal, which it is). */
export function vorpalEditor(io: IOStreams): LineEditor {
  let vorpal: Vorpal | undefined;
  let history: { dir: string; name: string; keeps: (line: string) => boolean } | undefined;
  let active: VorpalInstance | undefined;
  let cancelRequested = false;
  let submitted = '';
  let prompt = '';
  /** What SIGTERM and SIGHUP do while the editor runs. */
  let onSignal: (() => void) | undefined;

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

  const applyHistory = (shell: Vorpal) => {
    if (history) shell.cmdHistory.use(history.dir, history.name, history.keeps);
  };

  const editor: LineEditor = {
    interactive: true,
    ask: async (message) => String(await ask({ type: 'input', message })),
    askSecret: async (message) => String(await ask({ type: 'password', message })),
    // Asked like every other question, not with inquirer's own yes/no style.
    confirm: async (message) => isYes(String(await ask({ type: 'input', message: confirmQuestion(message) }))),

    start(handlers) {
      const Vorpal = loadVorpal(!colourWanted(io.env, io.stdoutIsTerminal));
      // vorpal makes its history with `new this.CmdHistoryExtension()`: the shell's own.
      class Shell extends Vorpal {}
      Shell.prototype.CmdHistoryExtension = CommandHistory;
      const shell = new Shell();
      vorpal = shell;
      for (const builtIn of ['exit', 'help']) shell.find(builtIn)?.remove();
      shell.on('client_prompt_submit', (line) => {
        submitted = line;
        // inquirer moves the cursor up by floor(width / columns) rows after drawing the line
        // (the prompt, a space, the text): the output would then overwrite the line's last rows.
        // Move back down to a fresh line. A line exactly one row wide gets a blank row from
        // inquirer already.
        const columns = io.columns;
        const width = prompt.length + 1 + line.length;
        if (io.stdoutIsTerminal && columns) io.stdout.write('\n'.repeat(Math.floor(width / columns) - (width === columns ? 1 : 0)));
      });
      // One catch-all command: the shell parses lines itself, so vorpal's own parsing
      // (minimist, pipes, help) never sees the user's text.
      shell
        .catch('[words...]')
        .parse(() => '__')
        .allowUnknownOptions()
        .autocompletion(function (_text, iteration, callback) {
          const before = shell.ui.input() ?? '';
          handlers.complete(before, iteration).then(
            // vorpal keeps what precedes a `|` itself and appends the text after the cursor.
            (result) => callback(undefined, result.list ?? (result.line === undefined ? undefined : result.line.slice(pipePrefix(before).length))),
            () => callback(undefined, undefined),
          );
        })
        .action(async function (this: VorpalInstance) {
          active = this;
          try {
            await handlers.line(submitted);
          } finally {
            active = undefined;
          }
        });
      shell.sigint(() => {
        // Ctrl-C cancels the question a command is asking, or drops the line being typed
        // (vorpal's own handler would exit on the second press, skipping the pool close).
        if (active) {
          cancelRequested = true;
          shell.ui.submit('');
          return;
        }
        const typed = (shell.ui.input() ?? '').trim() !== '';
        shell.ui.imprint();
        handlers.interrupt(typed);
        shell.ui.submit('');
      });
      shell.on('client_keypress', (event) => {
        if (event.key?.ctrl && event.key.name === 'd' && shell.ui.input() === '') handlers.end();
      });
      onSignal = () => handlers.end();
      for (const signal of ['SIGTERM', 'SIGHUP'] as const) process.once(signal, onSignal);
      applyHistory(shell);
      shell.delimiter(prompt);
      shell.show();
    },
    setPrompt(text) {
      prompt = text;
      vorpal?.delimiter(text);
    },
    useHistory(dir, name, keeps) {
      if (history?.dir === dir && history.name === name) return;
      history = { dir, name, keeps };
      if (vorpal) applyHistory(vorpal);
    },
    stop() {
      vorpal?.hide();
      if (onSignal) for (const signal of ['SIGTERM', 'SIGHUP'] as const) process.off(signal, onSignal);
    },
  };
  return editor;
}

/** What vorpal's completion keeps before the last `|` of the line. */
function pipePrefix(line: string): string {
  const at = line.trim().lastIndexOf('|');
  return at < 0 ? '' : `${line.trim().slice(0, at + 1)} `;
}
