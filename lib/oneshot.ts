import fs from 'node:fs';
import type { App } from './app';
import { EXIT, UsageError } from './errors';
import { Runner, type Streams } from './shell/runner';
import { noPrompter, terminalPrompter } from './shell/prompts';
import { TokenSession } from './session/token-session';

/**
 * `epic <command ...>` from the system shell, with the stored session (SPEC §5), and command
 * scripts piped on standard input. No REPL library is loaded on this path.
 */

function streams(stdinIsScript: boolean): Streams {
  let lines: string[] | undefined;
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdoutIsTerminal: process.stdout.isTTY === true,
    stderrIsTerminal: process.stderr.isTTY === true,
    columns: process.stdout.columns,
    stdinLines:
      process.stdin.isTTY || stdinIsScript
        ? undefined
        : async (count) => {
            // The newline ending the last line does not start another (empty) one.
            lines ??= fs.readFileSync(0, 'utf8').replace(/\r?\n$/, '').split(/\r?\n/);
            const taken = lines.splice(0, count);
            if (taken.length < count || taken.some((line) => line === undefined)) throw new UsageError(`standard input ended early: expected ${count} more line(s)`);
            return taken;
          },
  };
}

function oneShotRunner(app: App, stdinIsScript = false): Runner {
  const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true;
  return new Runner({
    app,
    prompt: interactive ? terminalPrompter() : noPrompter,
    session: new TokenSession(app),
    streams: streams(stdinIsScript),
  });
}

export function runOneShot(app: App, argv: string[]): Promise<number> {
  return oneShotRunner(app).execute(argv);
}

/** Commands on standard input run in order; the first failure stops the script and gives the exit code. */
export async function runScript(app: App, script: string): Promise<number> {
  const runner = oneShotRunner(app, true);
  for (const line of script.split(/\r?\n/)) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const code = await runner.executeLine(line);
    if (code !== EXIT.ok) return code;
    if (runner.exitRequested) break;
  }
  return EXIT.ok;
}
