import { QueryTypes } from 'sequelize';
import type { Prompter } from '../../lib/session/contracts';
import type { ManualClock } from '../../lib/clock';
import { ShellSession } from '../../lib/session/shell-session';
import { Runner } from '../../lib/shell/runner';
import { testApp } from './app';
import { capture, memoryIO } from './io';
import type { TestDatabase } from './database';
import { openSessionFor } from './world';

export { capture };

/** A prompter that answers from a list, as a person at the terminal would. */
export function scriptedPrompter(answers: string[] = []): Prompter & { asked: string[] } {
  const asked: string[] = [];
  const next = async (question: string) => {
    asked.push(question);
    if (answers.length === 0) throw new Error(`unexpected question: ${question}`);
    return answers.shift()!;
  };
  return {
    interactive: true,
    asked,
    ask: next,
    askSecret: next,
    confirm: async (question) => /^y/i.test(await next(question)),
  };
}

export interface ShellHarness {
  runner: Runner;
  session: ShellSession;
  stdout: ReturnType<typeof capture>;
  stderr: ReturnType<typeof capture>;
  /** Runs one line as typed in the shell; returns its exit code. */
  run(line: string): Promise<number>;
  /**
   * Logged in as this collaborator: with a password, through a real login; without, through a
   * session the owner opened (helpers/world.ts, openSessionFor), where logging in is not what
   * the test is about.
   */
  loginAs(email: string, password?: string): Promise<void>;
}

/** The shell's command path (the Runner with an in-memory session), printing into buffers. */
export function shellHarness(db: TestDatabase, clock: ManualClock, options: { prompt?: Prompter; terminal?: boolean; columns?: number; cwd?: string } = {}): ShellHarness {
  const { io, stdout, stderr } = memoryIO({ terminal: options.terminal, stderrTerminal: false, columns: options.columns, cwd: options.cwd });
  const prompt = options.prompt ?? { interactive: false, ask: async () => '', askSecret: async () => '', confirm: async () => false };
  const app = testApp(db, clock);
  const session = new ShellSession(app, prompt);
  const runner = new Runner({ app, prompt, session, io });
  return {
    runner,
    session,
    stdout,
    stderr,
    run: (line) => runner.executeLine(line),
    loginAs: async (email, password) => {
      if (password !== undefined) {
        await session.login(email, password);
        return;
      }
      const [row] = await db.owner.query<{ id: number }>('SELECT id FROM collaborators WHERE email = $1', { bind: [email], type: QueryTypes.SELECT });
      if (!row) throw new Error(`no collaborator ${email}`);
      await session.resume(await openSessionFor(db, row.id), email);
    },
  };
}

/** Parses TSV output (header line first) into objects. */
export function parseTsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trimEnd().split('\n');
  if (!header) return [];
  const keys = header.split('\t');
  return lines.map((line) => Object.fromEntries(line.split('\t').map((value, i) => [keys[i], value])));
}

/** A shell harness logged in as this collaborator. */
export async function loggedInShell(db: TestDatabase, clock: ManualClock, email: string): Promise<ShellHarness> {
  const shell = shellHarness(db, clock);
  await shell.loginAs(email);
  return shell;
}

/** Runs a line that must succeed; returns what it printed on standard output (its messages are in `stderr`). */
export async function runOk(shell: ShellHarness, line: string): Promise<string> {
  shell.stdout.clear();
  shell.stderr.clear();
  const code = await shell.run(line);
  if (code !== 0) throw new Error(`${line}: exit ${code}: ${shell.stderr.text()}`);
  return shell.stdout.text();
}
