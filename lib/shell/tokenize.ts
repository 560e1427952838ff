import { UsageError } from '../errors';

export interface Redirect {
  file: string;
  append: boolean;
}

/** A word of a command line, and whether any of it was quoted: a quoted `"--x"` is a value, never an option. */
export interface Word {
  text: string;
  quoted: boolean;
}

export interface Line {
  words: Word[];
  redirect?: Redirect;
}

/** Words from the system shell's argv: its quotes are gone, so none counts as quoted. */
export function unquoted(argv: readonly string[]): Word[] {
  return argv.map((text) => ({ text, quoted: false }));
}

/**
 * Splits a shell line into words: whitespace separates them, single and double quotes group
 * them, a backslash escapes the next character. Nothing else is special — `#12`, `(vegan)`,
 * `100%` or `a;b` are plain text — except an unquoted `>` or `>>`, which sends the output to the
 * file named after it, at the end of the line (README, "Using the shell").
 */
export function tokenize(line: string): Line {
  const words: Word[] = [];
  let word: Word | undefined;
  let quote: '"' | "'" | undefined;
  let redirect: { append: boolean; at: number } | undefined;
  const add = (c: string, quoted: boolean) => {
    word ??= { text: '', quoted: false };
    word.text += c;
    word.quoted ||= quoted;
  };
  const end = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && (line[i + 1] === '"' || line[i + 1] === '\\')) add(line[++i], true);
      else add(c, true);
    } else if (c === '"' || c === "'") {
      quote = c;
      add('', true);
    } else if (c === '\\' && i + 1 < line.length) {
      add(line[++i], true);
    } else if (/\s/.test(c)) {
      end();
    } else if (c === '>' && !redirect) {
      end();
      const append = line[i + 1] === '>';
      if (append) i++;
      redirect = { append, at: words.length };
    } else {
      add(c, false);
    }
  }
  if (quote) throw new UsageError(`a ${quote} quote is not closed`);
  end();
  if (!redirect) return { words };
  const target = words.slice(redirect.at);
  if (target.length !== 1 || target[0].text === '') throw new UsageError('">" needs one file name, at the end of the line');
  return { words: words.slice(0, redirect.at), redirect: { file: target[0].text, append: redirect.append } };
}
