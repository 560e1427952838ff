import fs from 'node:fs';
import type { App } from './app';
import { EXIT, UsageError } from './errors';
import { Runner, type Streams } from './shell/runner';
import { noPrompter, terminalPrompter } from './shell/prompts';
import { unquoted } from './shell/tokenize';
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

function streams(stdinLines: Streams['stdinLines']): Streams {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdoutIsTerminal: process.stdout.isTTY === true,
    stderrIsTerminal: process.stderr.isTTY === true,
    columns: process.stdout.columns,
    stdinLines,
  };
}

function oneShotRunner(app: App, stdinLines: Streams['stdinLines']): Runner {
  const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true;
  return new Runner({
    app,
    prompt: interactive ? terminalPrompter() : noPrompter,
    session: new TokenSession(app),
    streams: streams(stdinLines),
  });
}

export function runOneShot(app: App, argv: string[]): Promise<number> {
  let lines: string[] | undefined;
  const fromStdin = async (count: number) => {
    const firstRead = lines === undefined;
    // The newline ending the last line does not start another (empty) one.
    lines ??= fs.readFileSync(0, 'utf8').replace(/\r?\n$/, '').split(/\r?\n/);
    return passwordLines(lines, count, firstRead, '');
  };
  return oneShotRunner(app, process.stdin.isTTY ? undefined : fromStdin).execute(unquoted(argv));
}

/**
 * Commands on standard input run in order; the first failure stops the script and gives the
 * exit code, its message naming the line. Standard input is the script itself, so
 * `--password-stdin` reads the line that follows the command (and that line is not run).
 */
export async function runScript(app: App, script: string): Promise<number> {
  const lines = script.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  const total = lines.length;
  const lineNumber = () => total - lines.length;
  const runner = oneShotRunner(app, async (count) => passwordLines(lines, count, true, ` (--password-stdin in a script reads the line after the command, line ${lineNumber() + 1})`));
  while (lines.length > 0) {
    const line = lines.shift()!;
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const code = await runner.executeLine(line, lineNumber());
    if (code !== EXIT.ok) return code;
    if (runner.exitRequested) break;
  }
  return EXIT.ok;
}
