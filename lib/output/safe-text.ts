import { eastAsianWidth } from 'get-east-asian-width';

/**
 * Text that another person stored, or that the user typed and we echo, reaches a terminal only
 * through `safeText`: a name holding ESC ] 52 (clipboard write), ESC ] 0 (window title), a CSI
 * sequence, a C1 control, DEL, a bidi override or an invisible character would otherwise act on
 * the reader's terminal or disguise what they read. Such characters are shown as escapes
 * (`\x1b`, `\u202e`) instead: visible, and never emitted.
 */

// C0 controls, DEL, C1 controls; zero-width space/joiners and BOM; line and paragraph
// separators; bidi embeddings, overrides and isolates.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200d\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;
const UNSAFE_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200d\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

function escapeOne(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The text with every control, bidi and invisible character escaped; `multiline` keeps line feeds. */
export function safeText(text: string, options: { multiline?: boolean } = {}): string {
  return text.replace(options.multiline ? UNSAFE_BUT_NEWLINE : UNSAFE, escapeOne);
}

/** Longest error line: a backstop for whatever a message repeats. */
const ERROR_LINE_MAX = 1000;

/** An error or notice as one safe line, cut if it runs on. */
export function errorLine(text: string): string {
  return cutToWidth(safeText(text), ERROR_LINE_MAX);
}

/** One cell of a one-line grid (table, TSV): tabs and line breaks become spaces, the rest is escaped. */
export function cellText(text: string): string {
  return safeText(text.replace(/[\t\r\n]+/g, ' '));
}

/**
 * JSON keeps the exact data but writes C1 controls, DEL, bidi and invisible characters as \u
 * escapes (JSON.stringify escapes only C0 controls); line feeds outside strings are layout.
 */
export function safeJson(json: string): string {
  return json.replace(UNSAFE_BUT_NEWLINE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// Combining marks, variation selectors and the zero-width joiner take no column of their own.
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\ufe00-\ufe0f\u200d]$/u;
const PLAIN = /^[\x20-\x7e]*$/;

/** Terminal columns the text takes: East Asian wide and full-width characters (CJK, emoji) count two. */
export function displayWidth(text: string): number {
  if (PLAIN.test(text)) return text.length;
  let width = 0;
  for (const c of text) {
    if (ZERO_WIDTH.test(c)) continue;
    width += eastAsianWidth(c.codePointAt(0)!);
  }
  return width;
}

/** The longest start of `text` that fits in `width` columns, with "…" when something was cut. */
export function cutToWidth(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const c of text) {
    const w = ZERO_WIDTH.test(c) ? 0 : eastAsianWidth(c.codePointAt(0)!);
    if (used + w > width - 1) break;
    out += c;
    used += w;
  }
  return `${out}…`;
}
