import type { App } from './app';
import { EXIT, UsageError } from './errors';
import type { IOStreams } from './io/streams';
import { Runner, type RunnerDeps } from './shell/runner';
import { noPrompter, terminalPrompter } from './shell/prompts';
import { unquoted } from './shell/tokenize';
import type { Prompter } from './session/contracts';
import { TokenSession } from './session/token-session';

/**
 * `epic <command ...>` from the system shell, with the stored session, and command scripts
 * piped on standard input (README, "From the system shell and scripts"). No REPL library is
 * loaded on this path.
 */

/**
 * The lines a --password-stdin reads, refused with the reason when they are not there: no
 * password at all, or fewer lines than the command reads (a manager's own password after a
 * one-time one, say).
 */
function passwordLines(lines: string[], count: number, firstRead: boolean, where: string): string[] {
  const taken = lines.splice(0, count);
  if (firstRead && (taken.length === 0 || taken[0] === '')) throw new UsageError(`no password on standard input${where}`);
  if (taken.length < count) throw new UsageError(`standard input ended early: expected ${count - taken.length} more line(s)${where}`);
  return taken;
}

/** Questions are asked at the terminal, when both ends of the conversation are one. */
function promptFor(io: IOStreams): Prompter {
  return io.stdinIsTerminal && io.stderrIsTerminal ? terminalPrompter(io) : noPrompter;
}

function oneShotRunner(app: App, io: IOStreams, prompt: Prompter, mode: Pick<RunnerDeps, 'stdinLines' | 'systemShell'>): Runner {
  return new Runner({ app, prompt, session: new TokenSession(app), io, ...mode });
}

/**
 * One command from the system shell: the only way `setup` and `db ...` run. The warm process
 * (lib/warm/serve.ts) gives its own prompter, which hands a question back to the caller's
 * terminal.
 */
export function runOneShot(app: App, io: IOStreams, argv: string[], prompt = promptFor(io)): Promise<number> {
  let lines: string[] | undefined;
  const fromStdin = async (count: number) => {
    const firstRead = lines === undefined;
    // The newline ending the last line does not start another (empty) one.
    lines ??= (await io.readAll()).replace(/\r?\n$/, '').split(/\r?\n/);
    return passwordLines(lines, count, firstRead, '');
  };
  return oneShotRunner(app, io, prompt, { stdinLines: io.stdinIsTerminal ? undefined : fromStdin, systemShell: true }).execute(unquoted(argv));
}

/**
 * Commands on standard input run in order; the first failure stops the script and gives the
 * exit code, its message naming the line. Standard input is the script itself, so
 * `--password-stdin` reads the line that follows the command (and that line is not run).
 */
export async function runScript(app: App, io: IOStreams): Promise<number> {
  const lines = (await io.readAll()).split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  const total = lines.length;
  const lineNumber = () => total - lines.length;
  const runner = oneShotRunner(app, io, promptFor(io), {
    stdinLines: async (count) => passwordLines(lines, count, true, ` (--password-stdin in a script reads the line after the command, line ${lineNumber() + 1})`),
  });
  while (lines.length > 0) {
    const line = lines.shift()!;
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const code = await runner.executeLine(line, lineNumber());
    if (code !== EXIT.ok) return code;
    if (runner.exitRequested) break;
  }
  return EXIT.ok;
}
