import { addDays } from 'date-fns/addDays';
import { quoted, UsageError, ValidationError } from '../errors';
import { FORMATS } from '../output/render';
import { dateTime, euros, money, wholeNumber } from '../services/validation';
import type { Word } from '../shell/tokenize';
import { DEFAULT_LIMIT, FORMAT, LIST, YES, type OptionDecl, type OptionDecls } from './declare';
import type { Availability, CommandShape, Input, OptionSpec } from './types';

/** Every option a command takes: its own, then those its kind of output and confirmation bring. */
function declarationsOf(spec: CommandShape): OptionDecls {
  return { ...spec.options, ...(spec.output === 'list' ? LIST : spec.output === 'show' ? FORMAT : {}), ...(spec.confirm ? YES : {}) };
}

function exclusiveGroupsOf(spec: CommandShape): readonly (readonly string[])[] {
  return [...(spec.exclusive ?? []), ...(spec.output === 'list' ? [['limit', 'all']] : [])];
}

export function optionsOf(spec: CommandShape): OptionSpec[] {
  return Object.entries(declarationsOf(spec)).map(([name, o]) => ({
    name,
    kind: o.kind,
    type: o.kind === 'flag' ? 'boolean' : 'string',
    summary: o.summary,
    placeholder: name === 'format' && spec.calendar ? FORMATS.join('|') : o.placeholder,
    complete: o.complete,
    required: o.required,
  }));
}

/** A command as it is typed: `client list` in the shell, `epic db stop` (a command of the system shell) there. */
export function typedName(spec: CommandShape & { availability?: Availability }): string {
  return spec.availability?.when === 'system-shell' ? `epic ${spec.name}` : spec.name;
}

export function usageOf(spec: CommandShape & { availability?: Availability }): string {
  const args = (spec.args ?? []).map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`));
  const options = optionsOf(spec).map((o) => {
    const text = o.type === 'boolean' ? `--${o.name}` : `--${o.name} <${o.placeholder ?? o.name}>`;
    return o.required ? text : `[${text}]`;
  });
  return [typedName(spec), ...args, ...options].join(' ');
}

/**
 * An option name as typed: unquoted, `--` and a name (no space can be in a name, so
 * `"--Dash Co"` from the system shell is a value too). A bare `--` ends the options.
 */
function isOption(word: Word): boolean {
  return !word.quoted && word.text.startsWith('--') && word.text.length > 2 && !/\s/.test(word.text);
}

const endsOptions = (word: Word) => !word.quoted && word.text === '--';

/** The value of an option of this kind, checked with the rules the services use, so the wording is the same. */
function valueOf(name: string, option: OptionDecl, raw: string): unknown {
  // Named as the services name their fields, so that a rule reads the same wherever it is checked.
  const field = name;
  switch (option.kind) {
    case 'flag':
      return true;
    case 'text':
      return raw;
    case 'integer':
      return wholeNumber(field, raw, option.min, option.max);
    case 'money':
      return euros(money(field, raw));
    case 'one-of': {
      const choice = option.choices.find((c) => c === raw.trim().toLowerCase());
      if (choice === undefined) throw new ValidationError(field, `expected one of ${option.choices.join(', ')}, got "${raw}"`);
      return choice;
    }
    case 'date': {
      const at = dateTime(field, raw);
      // A day alone, as an upper bound, includes that whole day.
      return option.untilEndOfDay && !/\d:\d\d$/.test(raw.trim()) ? addDays(at, 1) : at;
    }
  }
}

/**
 * Reads the words after the command name. An option's value runs up to the next `--option`,
 * or is given as `--name=value`; a bare `--` ends the options. The last positional marked
 * `rest` takes the remaining words: names with spaces need no quotes, so a tab-completed line
 * runs as typed. Values are checked by kind here, once, for every command.
 */
export function parseInput(spec: CommandShape & { availability?: Availability }, words: readonly Word[]): Input {
  const declared = declarationsOf(spec);
  const options: Input['options'] = {};
  const positional: string[] = [];
  const usage = () => `usage: ${usageOf(spec)}`;
  let optionsEnded = false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (optionsEnded || !isOption(word)) {
      if (!optionsEnded && endsOptions(word)) optionsEnded = true;
      else positional.push(word.text);
      continue;
    }
    const [name, inline] = word.text.slice(2).split(/=(.*)/s, 2);
    const option = Object.hasOwn(declared, name) ? declared[name] : undefined;
    if (!option) throw new UsageError(`unknown option --${name} for "${spec.name}"; ${usage()}`);
    if (options[name] !== undefined) throw new UsageError(`--${name} is given twice`);
    if (option.kind === 'flag') {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      options[name] = true;
      continue;
    }
    const value: string[] = inline !== undefined ? [inline] : [];
    while (i + 1 < words.length && !isOption(words[i + 1]) && !endsOptions(words[i + 1])) value.push(words[++i].text);
    if (value.length === 0 || value.join('') === '') throw new UsageError(`--${name} needs a value <${option.placeholder ?? name}>`);
    options[name] = valueOf(name, option, value.join(' '));
  }
  for (const group of exclusiveGroupsOf(spec)) {
    const given = group.filter((name) => options[name] !== undefined);
    if (given.length > 1) throw new UsageError(`give ${given.map((name) => `--${name}`).join(' or ')}, not both`);
  }
  for (const [name, option] of Object.entries(declared)) {
    if (option.kind === 'flag') options[name] ??= false;
    else if (option.required && options[name] === undefined) throw new UsageError(`missing --${name} <${option.placeholder ?? name}>; ${usage()}`);
  }
  if (spec.output === 'list') options.limit = options.all ? undefined : (options.limit ?? DEFAULT_LIMIT);
  const args: Input['args'] = {};
  for (const arg of spec.args ?? []) {
    const taken = arg.rest ? positional.splice(0).join(' ') : positional.shift();
    if ((taken === undefined || taken === '') && arg.required) throw new UsageError(`missing <${arg.name}>; ${usage()}`);
    args[arg.name] = taken === '' ? undefined : taken;
  }
  if (positional.length > 0) throw new UsageError(`unexpected ${quoted(positional.join(' '))}; ${usage()}`);
  return { args, options };
}
