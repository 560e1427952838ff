import { ACTIONS, type Action } from '../permissions';
import { FORMATS } from '../output/render';
import { ROLE_INPUTS } from '../roles';
import type { ArgSpec, CommandContext, CommandResult, CommandShape, Completion, SessionAvailability, SessionCommandSpec, SystemCommandSpec, SystemContext } from './types';

/**
 * How a command declares its input. Each option has a kind, and the parser (options.ts)
 * turns the typed words into a value of that kind, or refuses them with one wording for
 * every command. The handler's `input` is typed from the declaration: `--limit` is a number,
 * `--role` one of the roles, a flag a boolean, an optional text `string | undefined`.
 */

interface Described {
  summary: string;
  /** Shown in usage: `--sales <collaborator>`. */
  placeholder?: string;
  /** What Tab completes the value to. */
  complete?: Completion;
  required?: boolean;
}

export interface FlagOption extends Described {
  kind: 'flag';
}
export interface TextOption extends Described {
  kind: 'text';
}
export interface IntegerOption extends Described {
  kind: 'integer';
  min: number;
  max: number;
}
export interface OneOfOption<C extends string = string> extends Described {
  kind: 'one-of';
  choices: readonly C[];
}
export interface DateOption extends Described {
  kind: 'date';
  /** A day given without a time means up to the end of that day: the value is the next midnight. */
  untilEndOfDay?: boolean;
}
export interface MoneyOption extends Described {
  kind: 'money';
}

export type OptionDecl = FlagOption | TextOption | IntegerOption | OneOfOption | DateOption | MoneyOption;
export type OptionDecls = Readonly<Record<string, OptionDecl>>;

type Extra = Omit<Described, 'summary'>;
type None = Record<never, never>;

// Each builder keeps the literal types of what it is given (`required: true`, the choices), so
// that the handler's input is typed from them. NoInfer: the declaration a builder is written in
// must not widen them.
export const flag = (summary: string) => ({ kind: 'flag', summary }) as const satisfies FlagOption;

export const text = <const X extends Extra = None>(summary: string, extra?: X) =>
  ({ kind: 'text', summary, ...extra }) as { kind: 'text'; summary: string } & NoInfer<X>;

export const integer = <const X extends Extra & { min: number; max: number }>(summary: string, extra: X) =>
  ({ kind: 'integer', summary, ...extra }) as { kind: 'integer'; summary: string } & NoInfer<X>;

export const oneOf = <const T extends readonly string[], const X extends Extra = None>(choices: T, summary: string, extra?: X) =>
  ({ kind: 'one-of', choices, summary, placeholder: choices.join('|'), ...extra }) as { kind: 'one-of'; choices: T; summary: string } & NoInfer<X>;

export const date = <const X extends Extra & { untilEndOfDay?: boolean } = None>(summary: string, extra?: X) =>
  ({ kind: 'date', summary, placeholder: 'date', ...extra }) as { kind: 'date'; summary: string } & NoInfer<X>;

export const money = <const X extends Extra = None>(summary: string, extra?: X) =>
  ({ kind: 'money', summary, placeholder: 'amount', ...extra }) as { kind: 'money'; summary: string } & NoInfer<X>;

/** The same option, required: `event create` needs what `event update` may leave out. */
export function requiring<const O extends OptionDecls, const K extends keyof O>(options: O, names: readonly K[]): { [P in keyof O]: P extends K ? O[P] & { required: true } : O[P] } {
  const out: Record<string, OptionDecl> = { ...options };
  for (const name of names) out[name as string] = { ...options[name], required: true };
  return out as { [P in keyof O]: P extends K ? O[P] & { required: true } : O[P] };
}

/** Options that every list, show or destructive command gets, declared once. */
// Usage shows ics only for the commands that write calendars (options.ts).
export const FORMAT = { format: oneOf(FORMATS, 'output format', { complete: 'format', placeholder: FORMATS.filter((f) => f !== 'ics').join('|') }) } as const;
/** Beyond this, --all says what is meant. */
export const MAX_LIMIT = 10_000;
export const DEFAULT_LIMIT = 30;
export const LIST = {
  ...FORMAT,
  limit: integer(`show at most n rows (default ${DEFAULT_LIMIT})`, { placeholder: 'n', min: 1, max: MAX_LIMIT }),
  all: flag('show every row'),
} as const;
export const YES = { yes: flag('do not ask for confirmation') } as const;
/** The administrator's commands connect as the database's owner. */
export const ADMIN_URL = { 'admin-url': text("the owner's URL (default EPIC_ADMIN_DATABASE_URL)", { placeholder: 'URL' }) } as const;
export const ROLE = <const X extends Extra = None>(summary: string, extra?: X) =>
  ({ ...oneOf(ROLE_INPUTS, summary, { complete: 'role', placeholder: 'role' }), ...extra }) as ReturnType<typeof oneOf<typeof ROLE_INPUTS>> & NoInfer<X>;

type ValueOf<O> = O extends FlagOption
  ? boolean
  : O extends IntegerOption
    ? number
    : O extends { kind: 'one-of'; choices: readonly (infer C)[] }
      ? C
      : O extends DateOption
        ? Date
        : string;

export type OptionValues<O extends OptionDecls> = {
  -readonly [K in keyof O]: O[K] extends FlagOption ? boolean : O[K] extends { required: true } ? ValueOf<O[K]> : ValueOf<O[K]> | undefined;
};

export type ArgValues<A extends readonly ArgSpec[]> = {
  [D in A[number] as D['name']]: D['required'] extends true ? string : string | undefined;
};

/** Lists get --format and --limit/--all (the parser turns them into `limit`, undefined for all); shows get --format. */
type OutputOptions<Out> = Out extends 'list' ? typeof LIST : Out extends 'show' ? typeof FORMAT : None;

export interface TypedInput<O extends OptionDecls, A extends readonly ArgSpec[]> {
  args: ArgValues<A>;
  options: OptionValues<O>;
}

/** `client list` for the action `client.list`: the names a permitted command may have. */
export type PermittedName = Action extends infer A ? (A extends `${infer Noun}.${infer Verb}` ? `${Noun} ${Verb}` : never) : never;

interface Declaration<N extends string, O extends OptionDecls, A extends readonly ArgSpec[], Out extends 'list' | 'show' | undefined, C = CommandContext> {
  name: N;
  summary: string;
  args?: A;
  options?: O;
  /** Options that contradict each other: the parser refuses more than one of each group. */
  exclusive?: readonly (readonly (keyof O & string)[])[];
  output?: Out;
  calendar?: boolean;
  confirm?: (ctx: CommandContext, input: TypedInput<O & OutputOptions<Out>, A>) => Promise<string>;
  run(ctx: C, input: TypedInput<O & OutputOptions<Out>, A>): Promise<CommandResult>;
}

/**
 * A name that is not `noun verb` (`activity`) names its action; a name that is one must not,
 * so that a command and its action cannot drift apart.
 */
type ActionOf<N extends string> = N extends PermittedName ? { action?: never } : { action: Action };

/**
 * A command the permission table governs: its action is its name (`client list` runs only
 * for roles the table lets do `client.list`), or the action it names. A name with no action
 * in the table, or an action not in it, does not compile.
 */
export function permitted<const N extends string, const O extends OptionDecls = None, const A extends readonly ArgSpec[] = [], const Out extends 'list' | 'show' | undefined = undefined>(
  declaration: Declaration<N, O, A, Out> & ActionOf<N>,
): SessionCommandSpec {
  const action = declaration.action ?? ACTIONS.find((a) => a === declaration.name.replace(' ', '.'));
  if (!action) throw new Error(`"${declaration.name}" is not in the permission table`);
  return declare(declaration, { when: 'permitted', action });
}

/** A command of the session itself (login, help, exit...), open according to the login state. */
export function session<const N extends string, const O extends OptionDecls = None, const A extends readonly ArgSpec[] = [], const Out extends 'list' | 'show' | undefined = undefined>(
  when: Exclude<SessionAvailability['when'], 'permitted'>,
  declaration: Declaration<N, O, A, Out>,
): SessionCommandSpec {
  return declare(declaration, { when });
}

/**
 * A command of the installation (`setup`, `db stop`...), run from the system shell only: it
 * works on the database itself, not in a session, so the shell and scripts refuse it.
 */
export function systemShell<const N extends string, const O extends OptionDecls = None, const A extends readonly ArgSpec[] = []>(
  declaration: Omit<Declaration<N, O, A, undefined, SystemContext>, 'output' | 'calendar' | 'confirm'>,
): SystemCommandSpec {
  return { ...shapeOf(declaration), summary: declaration.summary, availability: { when: 'system-shell' }, run: declaration.run };
}

function shapeOf(declaration: Omit<CommandShape, 'confirm'>): Omit<CommandShape, 'confirm'> {
  return { name: declaration.name, args: declaration.args, options: declaration.options, exclusive: declaration.exclusive, output: declaration.output, calendar: declaration.calendar };
}

function declare<O extends OptionDecls, A extends readonly ArgSpec[], Out extends 'list' | 'show' | undefined>(
  declaration: Declaration<string, O, A, Out>,
  availability: SessionAvailability,
): SessionCommandSpec {
  const { confirm, run } = declaration;
  return { ...shapeOf(declaration), summary: declaration.summary, availability, confirm, run };
}
