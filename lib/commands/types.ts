import type { Sequelize } from 'sequelize-typescript';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { ServiceContext } from '../db/context';
import type { Action } from '../permissions';
import type { OptionDecl, OptionDecls } from './declare';
import type { Column, Rendered, TextBlock } from '../output/render';
import type { RowSink } from '../output/stream';
import type { TokenSource } from '../services/settings';
import type { Prompter, SessionControl } from '../session/contracts';

/**
 * A command is data: its name, usage, options and the permission it needs, with a handler
 * that parses nothing and prints nothing. It calls a service and returns what to show.
 */

/** What a positional or an option value completes to. */
export type Completion = 'client' | 'event' | 'collaborator' | 'contract' | 'role' | 'format';

export interface ArgSpec {
  name: string;
  required: boolean;
  /** Takes every remaining word, joined with spaces: names are typed without quotes. */
  rest?: boolean;
  complete?: Completion;
}

/** An option as help, usage and completion see it; commands declare theirs in declare.ts. */
export interface OptionSpec {
  name: string;
  kind: OptionDecl['kind'];
  /** Boolean flags take no value; string options take the words up to the next option. */
  type: 'boolean' | 'string';
  summary: string;
  placeholder?: string;
  complete?: Completion;
  required?: boolean;
}

/** What the parser hands a command, before its declaration types it (see TypedInput). */
export interface Input {
  args: Record<string, string | undefined>;
  options: Record<string, unknown>;
}

/**
 * Who may run it: anyone logged out, anyone logged in, or those the permission table allows; or,
 * for the commands of the installation (`setup`, `db ...`), whoever runs it from the system shell.
 */
export type SessionAvailability = { when: 'logged-out' } | { when: 'always' } | { when: 'logged-in' } | { when: 'permitted'; action: Action };
export type Availability = SessionAvailability | { when: 'system-shell' };

/**
 * What a handler may use: services run through `as`, in one transaction that starts by resolving
 * the session in the database and checking the command against the actor's current role.
 * Questions (confirmations, passwords) are asked before `as`, never while it holds a transaction.
 */
export interface CommandContext {
  as<T>(work: (ctx: ServiceContext) => Promise<T>): Promise<T>;
  clock: Clock;
  tokens: TokenSource;
  prompt: Prompter;
  /** Reads a password (or two lines, for passwd) given with --password-stdin. */
  stdinLines(count: number): Promise<string[]>;
  session: SessionControl;
  /** The commands the current user may run now, and those of the system shell, for help. */
  commands(): CommandSpec[];
  /** Leave the shell once this command is done. */
  requestExit(): void;
  /**
   * Where a list's rows can be written as they are read: when its output goes line by line
   * (TSV, CSV, JSON lines); undefined for a table or JSON, which need every row first.
   */
  rowSink(columns: Column[]): RowSink | undefined;
}

/**
 * What a command of the system shell may use (`epic setup`, `epic db ...`): the installation's
 * configuration and database, not a session. Questions are asked on a terminal only.
 */
export interface SystemContext {
  config: Config;
  clock: Clock;
  /** The database the configuration names; the embedded one is started and migrated on first use. */
  database(): Promise<Sequelize>;
  prompt: Prompter;
  /** Reads lines given with --password-stdin. */
  stdinLines(count: number): Promise<string[]>;
  /** The caller's folder, which a relative file name is in. */
  cwd: string;
  /** Asks the user's warm processes to leave (README, "Start-up time"): they hold database connections. */
  stopWarmProcesses(): Promise<void>;
}

export interface CommandResult {
  /** Goes to standard error: "Client #12 created". */
  message?: string;
  /** Goes to standard output, formatted by lib/output. */
  data?: Rendered;
  /** Plain text, with headings for help: goes to standard error, only the headings styled. */
  text?: TextBlock[];
  /** Plain lines for standard output, for a script to read (`epic db status`, a URL shown once). */
  lines?: string[];
  /** The rows went to the CommandContext's rowSink as they were read. */
  streamed?: boolean;
}

/** What a command line is parsed against. */
export interface CommandShape {
  name: string;
  args?: readonly ArgSpec[];
  options?: OptionDecls;
  /** Groups of options of which at most one may be given. */
  exclusive?: readonly (readonly string[])[];
  /**
   * Lists get --format, --limit and --all; shows get --format. A command with an output only
   * reads: its transaction is read-only in the database (lib/services/sessions.ts).
   */
  output?: 'list' | 'show';
  /** Also writes its rows as a calendar (`--format ics`, a `.ics` file): event lists only. */
  calendar?: boolean;
  /**
   * Destructive: asks this question on a terminal, needs --yes elsewhere. The question names
   * the record found, looked up (ctx.as) in a transaction of its own that ends before it is asked.
   */
  confirm?(ctx: CommandContext, input: Input): Promise<string>;
}

/** A declared command (declare.ts), its handler's input types erased for the registry. */
export interface SessionCommandSpec extends CommandShape {
  summary: string;
  availability: SessionAvailability;
  run(ctx: CommandContext, input: Input): Promise<CommandResult>;
}

/** A command of the installation: run only from the system shell, never in the shell or a script. */
export interface SystemCommandSpec extends CommandShape {
  summary: string;
  availability: { when: 'system-shell' };
  run(ctx: SystemContext, input: Input): Promise<CommandResult>;
}

export type CommandSpec = SessionCommandSpec | SystemCommandSpec;
