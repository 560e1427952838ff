import type { App } from '../app';
import { availableTo, findCommand, isNoun, isSystemCommand, SYSTEM_COMMANDS } from '../commands';
import { verbsOf } from '../commands/help';
import { parseInput, usageOf } from '../commands/options';
import type { CommandContext, CommandResult, CommandSpec, Input, SessionCommandSpec, SystemCommandSpec, SystemContext } from '../commands/types';
import type { Prompter } from '../session/contracts';
import { Cancelled, EXIT, NeedsTerminal, NotLoggedIn, PermissionDenied, quoted, UsageError } from '../errors';
import { presentError } from '../io/present-error';
import { writeWaiting, type IOStreams } from '../io/streams';
import { colourWanted, paint } from '../output/colour';
import { checkOutputFile, openOutputFile, OutputFileError, writeOutputFile, type OutputFile } from '../output/file';
import { FORMATS, formatForFile, listNote, NOTHING_FOUND, render, renderText, type Format, type Target } from '../output/render';
import { LINE_FORMATS, rowStream, type LineOutput, type RowStream } from '../output/stream';
import { safeText } from '../output/safe-text';
import type { SessionBackend } from '../session/backend';
import type { Role } from '../roles';
import type { SessionActor } from '../services/sessions';
import { tokenize, type Redirect, type Word } from './tokenize';
import { stopWarm } from '../warm/client';

/**
 * Runs one command line, for the REPL and for one-shot use alike: finds the command, checks
 * who may run it, parses its input, runs it, formats its output. Nothing escapes: every error
 * becomes one line on standard error and an exit code (README, "From the system shell and scripts").
 */

export interface RunnerDeps {
  app: App;
  prompt: Prompter;
  session: SessionBackend;
  io: IOStreams;
  /** Lines of standard input for --password-stdin, when standard input is not the command source. */
  stdinLines?: (count: number) => Promise<string[]>;
  /** The REPL, which stays open after an unexpected error (a one-shot command ends with it). */
  keepsRunning?: boolean;
  /** One command from the system shell (`epic db stop`): the only place `setup` and `db ...` run. */
  systemShell?: boolean;
}

/** Commands that stay open to an account whose password a manager set. */
const BEFORE_NEW_PASSWORD = new Set(['passwd', 'logout', 'whoami', 'help', 'exit']);

export class Runner {
  exitRequested = false;

  constructor(private readonly deps: RunnerDeps) {}

  /** What the current user may run, as far as the login state known without a query says. */
  available(): SessionCommandSpec[] {
    const { session } = this.deps;
    return availableTo(session.role() ?? session.lastKnownRole());
  }

  /**
   * A line as typed in the shell or a script: quotes, and `> file` / `>> file` at the end.
   * `lineNumber` (scripts) is named in the error message.
   */
  async executeLine(line: string, lineNumber?: number): Promise<number> {
    let parsed: ReturnType<typeof tokenize>;
    try {
      parsed = tokenize(line);
    } catch (error) {
      return this.report(error, lineNumber);
    }
    return this.execute(parsed.words, parsed.redirect, lineNumber);
  }

  /** Words already split: the system shell's argv (see `unquoted`), or a tokenized line. */
  async execute(words: Word[], redirect?: Redirect, lineNumber?: number): Promise<number> {
    try {
      if (words.length === 0) return EXIT.ok;
      await this.run(words, redirect);
      return EXIT.ok;
    } catch (error) {
      if (error instanceof NeedsTerminal) throw error;
      return this.report(error, lineNumber);
    }
  }

  /** Who may run the command is settled first: a command of another role is refused before its options are read. */
  private async run(words: Word[], redirect?: Redirect): Promise<void> {
    const found = findCommand(words.map((w) => w.text));
    if (!found) return this.noun(words);
    const { spec } = found;
    const rest = words.slice(words.length - found.rest.length);
    if (isSystemCommand(spec)) return this.runSystem(spec, rest);
    await this.runInSession(spec, rest, redirect);
  }

  /** A command of the installation: from the system shell only (whose own `>` redirects it), with no session. */
  private async runSystem(spec: SystemCommandSpec, rest: Word[]): Promise<void> {
    if (!this.deps.systemShell) throw new UsageError(`\`${spec.name}\` runs from the system shell: epic ${spec.name}`);
    if (rest.some((w) => !w.quoted && w.text === '--help')) return this.say(`usage: ${usageOf(spec)}`);
    this.showText(await spec.run(this.systemContext(), parseInput(spec, rest)));
  }

  private async runInSession(spec: SessionCommandSpec, rest: Word[], redirect?: Redirect): Promise<void> {
    await this.admitEarly(spec);
    if (rest.some((w) => !w.quoted && w.text === '--help')) {
      await this.admitEarly(spec, true);
      this.say(`usage: ${usageOf(spec)}`);
      return;
    }
    let input: Input;
    let target: Target;
    try {
      input = parseInput(spec, rest);
      target = this.outputTarget(spec, input, redirect);
    } catch (error) {
      // A command the role may not run is refused rather than its options corrected.
      await this.admitEarly(spec, true);
      throw error;
    }
    // The handler makes its data for the format the output takes, which `> file.ics` names too.
    input.options.format = target.format;
    await this.confirm(spec, input);
    const output = this.lineOutput(redirect);
    let stream: RowStream | undefined;
    try {
      const result = await spec.run(
        this.context(spec, (columns) => {
          if (!LINE_FORMATS.includes(target.format)) return undefined;
          stream = rowStream(columns, target, output);
          return stream;
        }),
        input,
      );
      await stream?.finish();
      this.show(result, target, redirect, stream);
    } finally {
      output.close();
    }
  }

  /** Standard output, which is waited for when full, or the `> file`, opened only once there is something to write. */
  private lineOutput(redirect?: Redirect): LineOutput & { close(): void } {
    const { stdout } = this.deps.io;
    if (!redirect) {
      return {
        open: () => false,
        write: (text) => writeWaiting(stdout, text),
        close: () => undefined,
      };
    }
    let file: OutputFile | undefined;
    return {
      open: () => (file ??= openOutputFile(redirect.file, this.deps.io.cwd, redirect.append)).continuing,
      write: (text) => file!.write(text),
      close: () => file?.close(),
    };
  }

  /** `client` alone lists the client commands the user may run; any other word is unknown. */
  private async noun(words: Word[]): Promise<void> {
    const [first] = words;
    if (words.length > 1 || !isNoun(first.text)) throw new UsageError(`unknown command ${quoted(words.slice(0, 2).map((w) => w.text).join(' '))}: type help for the list`);
    const noun = first.text.toLowerCase();
    const system = SYSTEM_COMMANDS.filter((spec) => spec.name.startsWith(`${noun} `));
    if (system.length > 0) {
      if (!this.deps.systemShell) throw new UsageError(`the ${noun} commands run from the system shell: epic help lists them`);
      return this.say(verbsOf(noun, system));
    }
    await this.learnRole();
    if (!this.available().some((spec) => spec.name.startsWith(`${noun} `))) {
      throw this.deps.session.role() ? new UsageError(`no "${noun}" command is available to you; type help`) : new NotLoggedIn(`not logged in: the ${noun} commands need you to log in first`);
    }
    this.say(verbsOf(noun, this.available()));
  }

  /** help and exit never wait on the idle lock; one-shot use learns the role from its token, or an earlier command. */
  private async learnRole(): Promise<void> {
    const { session } = this.deps;
    if (!session.role() && !session.lastKnownRole() && session.mayBeLoggedIn()) await session.learnRole().catch(() => undefined);
  }

  /**
   * Refuses early, before the command's options are read, its usage shown or a question asked,
   * what the login state rules out. The command's own transaction checks again against the role
   * the database holds (admitActor). One-shot use knows the role from the database only in
   * that transaction: a role an earlier command found (lastKnownRole) that permits the command
   * lets it go on without a query of its own, but only the database's answer refuses, and
   * `surely` asks it before anything is said about the command's options or asked.
   */
  private async admitEarly(spec: SessionCommandSpec, surely = false): Promise<void> {
    const { availability } = spec;
    const { session } = this.deps;
    if (availability.when === 'always') return this.learnRole();
    if (availability.when === 'logged-out') {
      if (session.role()) throw new UsageError('already logged in: logout first');
      return;
    }
    // Logged out: the session says so in its own words, before any question is asked.
    if (!session.mayBeLoggedIn()) await session.inSession(() => undefined, async () => undefined);
    const permits = (role: Role | undefined) => role !== undefined && (availability.when !== 'permitted' || availableTo(role).includes(spec));
    if (!session.role() && (surely || !permits(session.lastKnownRole()))) await session.learnRole();
    const role = session.role() ?? session.lastKnownRole();
    if (role && !permits(role)) throw this.notAvailable(spec, role);
  }

  /** Inside the command's transaction: the one-time password rule and the permission table, for the actor the database resolved. */
  private admitActor(spec: SessionCommandSpec, actor: SessionActor): void {
    if (actor.mustChangePassword && !BEFORE_NEW_PASSWORD.has(spec.name)) {
      throw new NotLoggedIn('your password was set by a manager: choose your own with `passwd` first');
    }
    if (spec.availability.when === 'permitted' && !availableTo(actor.role).includes(spec)) throw this.notAvailable(spec, actor.role);
  }

  private notAvailable(spec: SessionCommandSpec, role: string): PermissionDenied {
    return new PermissionDenied(`"${spec.name}" is not available to ${role}`);
  }

  private async confirm(spec: SessionCommandSpec, input: Input): Promise<void> {
    if (!spec.confirm || input.options.yes) return;
    await this.admitEarly(spec, true);
    if (!this.deps.prompt.interactive) throw new UsageError(`"${spec.name}" deletes data: add --yes when not on a terminal`);
    const question = await spec.confirm(this.context(spec), input);
    if (!(await this.deps.prompt.confirm(question))) throw new Cancelled('cancelled: nothing was deleted');
  }

  /** Where the output goes and in which format; `> file` is checked here, before anything runs. */
  private outputTarget(spec: CommandSpec, input: Input, redirect?: Redirect): Target {
    // The parser has checked --format against FORMATS.
    const asked = FORMATS.find((format) => format === input.options.format);
    const { io } = this.deps;
    const calendarOnly = (format: Format | undefined) => {
      if (format === 'ics' && !spec.calendar) throw new UsageError(`"${spec.name}" cannot write an iCalendar (ics) file: a calendar holds events; use event list`);
    };
    calendarOnly(asked);
    if (redirect) {
      const { file, append } = redirect;
      checkOutputFile(file, io.cwd);
      const named = formatForFile(file);
      calendarOnly(named);
      if (asked !== undefined && named !== undefined && asked !== named) throw new UsageError(`${file} is a ${named.toUpperCase()} file name but --format ${asked} was given`);
      const format = (asked as Format | undefined) ?? named;
      if (!format) throw new UsageError(`cannot tell which format to write to ${file}: name it .csv, .tsv, .json${spec.calendar ? ', .jsonl or .ics' : ' or .jsonl'}, or give --format`);
      if (append && (format === 'json' || format === 'ics')) throw new UsageError(`cannot append to ${file}: a ${format === 'ics' ? 'calendar' : 'JSON'} file holds one document, which a second one would break; use > to replace it${format === 'json' ? ', or a .jsonl file (one JSON object per line) to append' : ''}`);
      return { format, color: false, truncate: false };
    }
    const terminal = io.stdoutIsTerminal;
    return { format: asked ?? (terminal ? 'table' : 'tsv'), color: colourWanted(io.env, terminal), truncate: terminal, width: io.columns };
  }

  private context(spec: SessionCommandSpec, rowSink: CommandContext['rowSink'] = () => undefined): CommandContext {
    const { deps } = this;
    const { app } = deps;
    return {
      as: (work) => deps.session.inSession((actor) => this.admitActor(spec, actor), work, { readsOnly: spec.output !== undefined }),
      clock: app.clock,
      tokens: app.tokens,
      prompt: deps.prompt,
      stdinLines: (count) => this.stdinLines(count),
      session: deps.session,
      commands: () => [...this.available(), ...SYSTEM_COMMANDS],
      requestExit: () => {
        this.exitRequested = true;
      },
      rowSink,
    };
  }

  private systemContext(): SystemContext {
    const { app, prompt, io } = this.deps;
    return { config: app.config, clock: app.clock, database: () => app.db(), prompt, stdinLines: (count) => this.stdinLines(count), cwd: io.cwd, stopWarmProcesses: () => stopWarm(io.env) };
  }

  private async stdinLines(count: number): Promise<string[]> {
    if (!this.deps.stdinLines) throw new UsageError('--password-stdin needs standard input: it is the terminal here');
    return this.deps.stdinLines(count);
  }

  private show(result: CommandResult, target: Target, redirect?: Redirect, stream?: RowStream): void {
    const { data, message } = result;
    if (result.streamed) {
      if (stream?.rows === 0) this.say(NOTHING_FOUND, 'dim');
      if (redirect) this.say(`written to ${redirect.file}`, 'dim');
    } else if (data && redirect) {
      try {
        writeOutputFile(redirect.file, this.deps.io.cwd, redirect.append, (continuing) => render(data, { ...target, continuing }));
      } catch (error) {
        // A change that was made is not reported as failed because its record could not be saved.
        if (!(error instanceof OutputFileError) || !message) throw error;
        this.say(message, 'green');
        this.say(`done; could not write ${redirect.file}: ${error.reason}`);
        return;
      }
    } else if (data) {
      this.deps.io.stdout.write(render(data, target));
    }
    const note = data && listNote(data);
    if (note) this.say(note, 'dim');
    if (data && redirect) this.say(`written to ${redirect.file}`, 'dim');
    this.showText(result);
  }

  /** What a result says besides its data: plain lines for standard output, its message and text on standard error. */
  private showText({ lines, message, text }: CommandResult): void {
    if (lines) this.deps.io.stdout.write(lines.map((line) => `${safeText(line)}\n`).join(''));
    if (message) this.say(message, 'green');
    if (text) this.deps.io.stderr.write(renderText(text, this.colourOnStderr()));
  }

  private colourOnStderr(): boolean {
    return colourWanted(this.deps.io.env, this.deps.io.stderrIsTerminal);
  }

  /** A message on standard error; stored names in it are shown safely (lib/output/safe-text.ts). */
  say(text: string, style?: 'green' | 'dim'): void {
    const safe = safeText(text, { multiline: true });
    this.deps.io.stderr.write(`${style ? paint(this.colourOnStderr())[style](safe) : safe}\n`);
  }

  /** An error as every entry point shows it (lib/io/present-error.ts); its exit code. */
  report(error: unknown, lineNumber?: number): number {
    const { app, io, keepsRunning } = this.deps;
    return presentError(io, error, { reporter: app.reporter, debug: app.config.debug, stillUsable: keepsRunning }, lineNumber);
  }
}
