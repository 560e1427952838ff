import { findCommand } from '../commands';
import { optionsOf } from '../commands/options';
import type { Completion } from '../commands/types';
import type { Tx } from '../db/context';
import { FORMATS } from '../output/render';
import { ROLE_INPUTS } from '../roles';
import { namesStartingWith } from '../services/lookup';

/** A screenful at most. */
export const MAX_CANDIDATES = 20;

export interface CompletionSource {
  /** A read as the logged-in collaborator: row-level security shows names only to a session. */
  read<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
}

const QUOTE = /^["']/;

/**
 * Candidates for the word being typed at the end of `line`. Vorpal completes only
 * the last space-separated word, so for a name the candidate is that word followed by the rest
 * of the full name: `client show Kevin C` offers `Casey`, `client show kev` offers
 * `kevin Casey`, and the completed line runs as typed since names take the remaining words.
 * A value opened with a quote is completed with its closing quote.
 */
export async function complete(source: CompletionSource, line: string): Promise<string[]> {
  const words = line.split(' ');
  const last = words[words.length - 1];
  const found = findCommand(words.slice(0, -1).filter((w) => w !== ''));
  if (!found) return [];
  const { spec, rest } = found;
  const options = optionsOf(spec);
  if (last.startsWith('--')) return options.map((o) => `--${o.name}`).filter((name) => name.startsWith(last));
  const optionAt = rest.map((w) => w.startsWith('--')).lastIndexOf(true);
  let kind: Completion | undefined;
  let typed: string[];
  if (optionAt >= 0) {
    const option = options.find((o) => `--${o.name}` === rest[optionAt]);
    if (!option || option.type !== 'string') return [];
    kind = option.complete;
    typed = [...rest.slice(optionAt + 1), last];
  } else {
    kind = spec.args?.find((a) => a.rest)?.complete ?? spec.args?.[0]?.complete;
    typed = [...rest, last];
  }
  typed = typed.filter((w, i) => w !== '' || i === typed.length - 1);
  if (!kind) return [];
  if (kind === 'role' || kind === 'format') {
    const choices: readonly string[] = kind === 'role' ? ROLE_INPUTS : FORMATS;
    return choices.filter((choice) => choice.startsWith(last.toLowerCase()));
  }
  const quote = QUOTE.exec(typed[0])?.[0] ?? '';
  const prefix = typed.join(' ').slice(quote.length);
  const done = typed.slice(0, -1).join(' ').length + (typed.length > 1 ? 1 : 0);
  const names = await source.read((tx) => namesStartingWith(tx, kind!, prefix, MAX_CANDIDATES));
  const lastTyped = typed.length === 1 ? last.slice(quote.length) : last;
  return names.map((name) => {
    const remainder = name.slice(Math.max(0, done - quote.length));
    return `${typed.length === 1 ? quote : ''}${lastTyped}${remainder.slice(lastTyped.length)}${quote}`;
  });
}
