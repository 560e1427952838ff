import { findCommand } from '../commands';
import { optionsOf } from '../commands/options';
import type { CommandSpec, Completion } from '../commands/types';
import type { Tx } from '../db/context';
import { FORMATS } from '../output/render';
import { ROLE_INPUTS } from '../roles';
import { contractsStartingWith, namesStartingWith } from '../services/lookup';
import type { Completed } from './line-editor';

/** A screenful at most. */
export const MAX_CANDIDATES = 20;

export interface CompletionSource {
  /** One read-only transaction for the candidates' query. */
  read<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /** The commands the current user may run: only those complete. */
  commands(): CommandSpec[];
}

/** One way to finish the word or value being typed. */
export interface Candidate {
  /** Replaces the text from the start of the value: a stored name, quoted when it must be. */
  insert: string;
  /** Shown when several candidates are listed. */
  label: string;
}

export interface Candidates {
  /** Where, in the line, the text the candidates replace begins. */
  start: number;
  typed: string;
  candidates: Candidate[];
}

/**
 * What Tab does with the line up to the cursor: one candidate replaces what was typed
 * (from the stored name, so `coeu` becomes `Cœur Lenoir`); several fill in their common
 * part first, and a second Tab lists them.
 */
export async function completeLine(source: CompletionSource, before: string, tabs: number): Promise<Completed> {
  const found = await candidatesFor(source, before);
  if (!found || found.candidates.length === 0) return {};
  const head = before.slice(0, found.start);
  const { candidates, typed } = found;
  if (candidates.length === 1) return { line: `${head}${candidates[0].insert} ` };
  const common = commonPrefix(candidates.map((c) => c.insert));
  // Only a longer spelling of what was typed: `kevin` becomes `Kevin C`, never shorter text.
  if (common.length > typed.length && common.toLowerCase().startsWith(typed.toLowerCase())) return { line: `${head}${common}` };
  return tabs >= 2 ? { list: candidates.map((c) => c.label) } : {};
}

/** The candidates for the word or value that ends `before`, or nothing when there is none. */
export async function candidatesFor(source: CompletionSource, before: string): Promise<Candidates | undefined> {
  const words = splitWords(before);
  const current = words.pop() ?? { text: '', start: before.length };
  const typedWords = words.map((w) => w.text);
  const found = findCommand(typedWords);
  const available = source.commands();
  if (!found || !available.includes(found.spec)) return commandWords(available, typedWords, current);
  const { spec, rest } = found;
  const options = optionsOf(spec);
  if (current.text.startsWith('-')) {
    const names = options.map((o) => `--${o.name}`).filter((name) => name.startsWith(current.text));
    return { start: current.start, typed: current.text, candidates: names.map((name) => ({ insert: name, label: name })) };
  }
  // The value being typed: after the last option that takes one, or the positionals.
  const restWords = words.slice(words.length - rest.length);
  const optionAt = rest.map((w) => w.startsWith('--')).lastIndexOf(true);
  const option = optionAt >= 0 ? options.find((o) => `--${o.name}` === rest[optionAt]) : undefined;
  let kind: Completion | undefined;
  let valueWords: { text: string; start: number }[];
  if (option && option.type === 'string') {
    kind = option.complete;
    valueWords = restWords.slice(optionAt + 1);
  } else {
    const positional = restWords.filter((w, i) => !w.text.startsWith('--') && (optionAt < 0 || i > optionAt));
    const args = spec.args ?? [];
    const restArg = args.findIndex((a) => a.rest);
    const index = restArg >= 0 && positional.length >= restArg ? restArg : positional.length;
    kind = args[index]?.complete;
    valueWords = restArg >= 0 && index === restArg ? positional.slice(restArg) : [];
  }
  if (!kind) return undefined;
  const start = valueWords[0]?.start ?? current.start;
  const typed = before.slice(start);
  return { start, typed, candidates: await valuesFor(source, kind, typed, spec.calendar === true) };
}

async function valuesFor(source: CompletionSource, kind: Completion, typed: string, calendar: boolean): Promise<Candidate[]> {
  const text = typed.replace(/^["']/, '');
  if (kind === 'role' || kind === 'format') {
    // ics only where a calendar can be written.
    const choices: readonly string[] = kind === 'role' ? ROLE_INPUTS : FORMATS.filter((format) => calendar || format !== 'ics');
    return choices.filter((choice) => choice.startsWith(text.toLowerCase())).map((choice) => ({ insert: choice, label: choice }));
  }
  if (kind === 'contract') {
    const contracts = await source.read((tx) => contractsStartingWith(tx, text.replace(/^#/, ''), MAX_CANDIDATES));
    return contracts.filter((c) => !hasControl(c.clientName)).map((c) => ({ insert: String(c.id), label: `#${c.id} ${c.clientName}` }));
  }
  const names = await source.read((tx) => namesStartingWith(tx, kind, text, MAX_CANDIDATES));
  // A value opened with a quote stays quoted.
  const opened = /^["']/.test(typed);
  return names.filter((name) => !hasControl(name)).map((name) => ({ insert: opened || needsQuotes(name) ? quote(name) : name, label: name }));
}

/** Command names: `cl` gives `client`, `client s` gives `show`, among what the user may run. */
function commandWords(available: CommandSpec[], typed: string[], current: { text: string; start: number }): Candidates {
  const next = new Set<string>();
  for (const spec of available) {
    const words = spec.name.split(' ');
    if (words.length <= typed.length) continue;
    if (typed.every((word, i) => words[i] === word.toLowerCase()) && words[typed.length].startsWith(current.text.toLowerCase())) next.add(words[typed.length]);
  }
  return { start: current.start, typed: current.text, candidates: [...next].map((word) => ({ insert: word, label: word })) };
}

/** The words of a line with where each starts; quotes group words, as the tokenizer reads them. */
function splitWords(line: string): { text: string; start: number }[] {
  const words: { text: string; start: number }[] = [];
  let quote: string | undefined;
  let word: { text: string; start: number } | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (!quote && /\s/.test(c)) {
      if (word) words.push(word);
      word = undefined;
      continue;
    }
    word ??= { text: '', start: i };
    if (quote ? c === quote : c === '"' || c === "'") quote = quote ? undefined : c;
    word.text += c;
  }
  words.push(word ?? { text: '', start: line.length });
  return words;
}

/**
 * Names holding what the shell would read otherwise (`>` sends output to a file, quotes,
 * backslashes, `--`, runs of spaces) are inserted in double quotes, so the completed line
 * names the record and nothing else.
 */
export function needsQuotes(name: string): boolean {
  return /[>"'\\]|\s\s|^\s|\s$|[^\S ]|(^|\s)--/.test(name);
}

function quote(name: string): string {
  return `"${name.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** Control, bidi and zero-width characters: such a stored name is never offered. */
function hasControl(text: string): boolean {
  return /[\u0000-\u001f\u007f-\u009f\u200b-\u200d\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/.test(text);
}

/** The longest start shared by every text, letter case aside; spelled as the first one. */
function commonPrefix(texts: string[]): string {
  const [first, ...others] = texts;
  let length = first.length;
  for (const other of others) {
    let i = 0;
    while (i < length && i < other.length && first[i].toLowerCase() === other[i].toLowerCase()) i++;
    length = i;
  }
  return first.slice(0, length);
}
