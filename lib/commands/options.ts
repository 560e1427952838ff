import { quoted, UsageError } from '../errors';
import type { CommandShape, Input, OptionSpec } from './types';

/** Options that every list, show or destructive command gets, declared once. */
const FORMAT: OptionSpec = { name: 'format', type: 'string', placeholder: 'table|tsv|csv|json', summary: 'output format', complete: 'format' };
const LIMIT: OptionSpec = { name: 'limit', type: 'string', placeholder: 'n', summary: 'show at most n rows (default 30)' };
const ALL: OptionSpec = { name: 'all', type: 'boolean', summary: 'show every row' };
const YES: OptionSpec = { name: 'yes', type: 'boolean', summary: 'do not ask for confirmation' };

export function optionsOf(spec: CommandShape): OptionSpec[] {
  return [
    ...(spec.options ?? []),
    ...(spec.output === 'list' ? [FORMAT, LIMIT, ALL] : spec.output === 'show' ? [FORMAT] : []),
    ...(spec.confirm ? [YES] : []),
  ];
}

export function usageOf(spec: CommandShape): string {
  const args = (spec.args ?? []).map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`));
  const options = optionsOf(spec).map((o) => {
    const text = o.type === 'boolean' ? `--${o.name}` : `--${o.name} <${o.placeholder ?? o.name}>`;
    return o.required ? text : `[${text}]`;
  });
  return [spec.name, ...args, ...options].join(' ');
}

/**
 * Reads the words after the command name. An option's value runs up to the next `--option`,
 * and the last positional marked `rest` takes the remaining words: names with spaces need no
 * quotes, so a tab-completed line runs as typed.
 */
export function parseInput(spec: CommandShape, words: string[]): Input {
  const declared = new Map(optionsOf(spec).map((o) => [o.name, o]));
  const options: Input['options'] = {};
  const positional: string[] = [];
  const usage = () => `usage: ${usageOf(spec)}`;
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (!word.startsWith('--') || word === '--') {
      positional.push(word);
      continue;
    }
    const [name, inline] = word.slice(2).split(/=(.*)/s, 2);
    const option = declared.get(name);
    if (!option) throw new UsageError(`unknown option --${name} for "${spec.name}"; ${usage()}`);
    if (options[name] !== undefined) throw new UsageError(`--${name} is given twice`);
    if (option.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      options[name] = true;
      continue;
    }
    const value: string[] = inline !== undefined ? [inline] : [];
    while (i + 1 < words.length && !words[i + 1].startsWith('--')) value.push(words[++i]);
    if (value.length === 0) throw new UsageError(`--${name} needs a value <${option.placeholder ?? name}>`);
    options[name] = value.join(' ');
  }
  for (const option of declared.values()) {
    if (option.required && options[option.name] === undefined) throw new UsageError(`missing --${option.name} <${option.placeholder ?? option.name}>; ${usage()}`);
  }
  const args: Input['args'] = {};
  const specs = spec.args ?? [];
  for (const arg of specs) {
    const taken = arg.rest ? positional.splice(0).join(' ') : positional.shift();
    if ((taken === undefined || taken === '') && arg.required) throw new UsageError(`missing <${arg.name}>; ${usage()}`);
    args[arg.name] = taken === '' ? undefined : taken;
  }
  if (positional.length > 0) throw new UsageError(`unexpected ${quoted(positional.join(' '))}; ${usage()}`);
  return { args, options };
}
