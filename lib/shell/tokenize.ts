import { parse } from 'shell-quote';
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
 * Splits a shell line into words the way a system shell would (quotes, backslashes), without
 * expanding variables or globs, and takes `> file` / `>> file` off the end (SPEC §5).
 */
export function tokenize(line: string): Line {
  const parts = parse(line, (name) => `$${name}`);
  const words: string[] = [];
  let redirect: Redirect | undefined;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (typeof part === 'string') {
      words.push(part);
    } else if ('pattern' in part) {
      words.push(part.pattern);
    } else if ('op' in part && (part.op === '>' || part.op === '>>')) {
      const file = parts[i + 1];
      if (typeof file !== 'string' || i + 2 !== parts.length) throw new UsageError(`"${part.op}" needs one file name, at the end of the line`);
      redirect = { file, append: part.op === '>>' };
      i++;
    } else if ('comment' in part) {
      break;
    } else {
      throw new UsageError(`"${'op' in part ? part.op : '?'}" is not supported here: only "> file" and ">> file"`);
    }
  }
  return { words, redirect };
}
