import { UsageError } from '../errors';

export interface Redirect {
  file: string;
  append: boolean;
}

export interface Line {
  words: string[];
  redirect?: Redirect;
}

/**
 * Splits a shell line into words: whitespace separates them, single and double quotes group
 * them, a backslash escapes the next character. Nothing else is special — `#12`, `(vegan)`,
 * `100%` or `a;b` are plain text — except an unquoted `>` or `>>`, which sends the output to the
 * file named after it, at the end of the line (SPEC §5).
 */
export function tokenize(line: string): Line {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  let redirect: { append: boolean; at: number } | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && (line[i + 1] === '"' || line[i + 1] === '\\')) word += line[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i];
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === '>' && !redirect) {
      if (word !== undefined) words.push(word);
      word = undefined;
      const append = line[i + 1] === '>';
      if (append) i++;
      redirect = { append, at: words.length };
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote) throw new UsageError(`a ${quote} quote is not closed`);
  if (word !== undefined) words.push(word);
  if (!redirect) return { words };
  const target = words.slice(redirect.at);
  if (target.length !== 1 || target[0] === '') throw new UsageError('">" needs one file name, at the end of the line');
  return { words: words.slice(0, redirect.at), redirect: { file: target[0], append: redirect.append } };
}
