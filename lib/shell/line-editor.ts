import { Cancelled } from '../errors';
import type { Prompter } from '../session/contracts';
import { turnOffLibraryColour } from '../output/colour';
import { confirmQuestion, isYes } from './prompts';

/**
 * What the shell needs from a line editor: read lines, complete them, ask questions, keep a
 * history. vorpal 1.12 draws it; everything that knows vorpal's API, or its private fields,
 * is in this file, so that the rest of the shell never depends on them.
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
  /** Switches to the history named `name`, kept as a private file in `dir`. */
  useHistory(dir: string, name: string): void;
  /** Drops the line just typed from the history, in memory and on disk. */
  forgetLastHistoryLine(): void;
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

interface VorpalHistory {
  _hist: string[];
  _storageKey?: string;
  _localStorage: { setItem(key: string, value: string): void };
}

interface Vorpal {
  on(event: 'client_prompt_submit', listener: (line: string) => void): this;
  on(event: 'client_keypress', listener: (event: { key?: { name?: string; ctrl?: boolean } }) => void): this;
  historyStoragePath(path: string): this;
  history(id: string): this;
  delimiter(text: string): this;
  show(): this;
  hide(): this;
  sigint(handler: () => void): this;
  catch(name: string): VorpalCommand;
  find(name: string): VorpalCommand | undefined;
  cmdHistory: VorpalHistory;
  ui: {
    input(text?: string): string | undefined;
    imprint(): void;
    submit(line: string): void;
    delimiter(text?: string): string;
  };
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

export function vorpalEditor(options: { noColor: boolean }, output: NodeJS.WriteStream = process.stdout): LineEditor {
  let vorpal: Vorpal | undefined;
  let history: { dir: string; name: string } | undefined;
  let active: VorpalInstance | undefined;
  let cancelRequested = false;
  let submitted = '';
  let historyLengthBefore = 0;
  let prompt = '';

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
    if (!history) return;
    shell.historyStoragePath(history.dir);
    // vorpal appends the new history to the one in memory: empty it first.
    shell.cmdHistory._hist.length = 0;
    shell.history(history.name);
  };

  const editor: LineEditor = {
    interactive: true,
    ask: async (message) => String(await ask({ type: 'input', message })),
    askSecret: async (message) => String(await ask({ type: 'password', message })),
    // Asked like every other question, not with inquirer's own yes/no style.
    confirm: async (message) => isYes(String(await ask({ type: 'input', message: confirmQuestion(message) }))),

    start(handlers) {
      const Vorpal = loadVorpal(options.noColor);
      const shell = new Vorpal();
      vorpal = shell;
      for (const builtIn of ['exit', 'help']) shell.find(builtIn)?.remove();
      shell.on('client_prompt_submit', (line) => {
        submitted = line;
        historyLengthBefore = shell.cmdHistory._hist.length;
        // inquirer moves the cursor up by floor(width / columns) rows after drawing the line
        // (the prompt, a space, the text): the output would then overwrite the line's last rows.
        // Move back down to a fresh line. A line exactly one row wide gets a blank row from
        // inquirer already.
        const columns = output.columns;
        const width = prompt.length + 1 + line.length;
        if (output.isTTY && columns) output.write('\n'.repeat(Math.floor(width / columns) - (width === columns ? 1 : 0)));
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
      for (const signal of ['SIGTERM', 'SIGHUP'] as const) process.once(signal, () => handlers.end());
      applyHistory(shell);
      shell.delimiter(prompt);
      shell.show();
    },
    setPrompt(text) {
      prompt = text;
      vorpal?.delimiter(text);
    },
    useHistory(dir, name) {
      if (history?.dir === dir && history.name === name) return;
      history = { dir, name };
      if (vorpal) applyHistory(vorpal);
    },
    forgetLastHistoryLine() {
      if (!vorpal) return;
      const history = vorpal.cmdHistory;
      // vorpal does not add a line equal to the previous one: then there is nothing to drop.
      if (history._hist.length <= historyLengthBefore) return;
      history._hist.pop();
      if (history._storageKey) history._localStorage.setItem(history._storageKey, JSON.stringify(history._hist));
    },
    stop() {
      vorpal?.hide();
    },
  };
  return editor;
}

/** What vorpal's completion keeps before the last `|` of the line. */
function pipePrefix(line: string): string {
  const at = line.trim().lastIndexOf('|');
  return at < 0 ? '' : `${line.trim().slice(0, at + 1)} `;
}
