import type chalk from 'chalk';
import { paint } from './colour';
import { cellText, cutToWidth, displayWidth, safeJson, safeText } from './safe-text';
import { cell, draw, fit, type Cell, type Grid } from './table';

/**
 * The one place that turns command data into text: aligned, coloured tables on a terminal;
 * TSV, CSV (RFC 4180) or JSON elsewhere. Stored text is shown through safe-text.ts, and TSV and
 * CSV cells that a spreadsheet would run as formulas are neutralised (README, "Output formats").
 */

/** `jsonl`: one JSON object per line, the form that can be appended to; `ics`: a calendar, of events only (lib/output/ics.ts). */
export const FORMATS = ['table', 'tsv', 'csv', 'json', 'jsonl', 'ics'] as const;
export type Format = (typeof FORMATS)[number];

export interface Column {
  key: string;
  header: string;
  kind?: 'text' | 'money' | 'date' | 'bool' | 'number' | 'phone';
  /** On a narrow terminal, columns leave the table in this order (1 first); those without one stay. */
  dropOrder?: number;
}

export type Row = Record<string, unknown>;

export interface Section {
  key: string;
  title: string;
  columns: Column[];
  rows: Row[];
  /** At most one row, shown in JSON as an object (or null), not as an array. */
  single?: boolean;
}

/** A part of a report (`agenda`): a short list with its count, and what shows the whole of it. */
export interface ReportSection extends Section {
  /** How many rows there are in all; `rows` may hold fewer. */
  total: number;
  /** A line under the title: "12,500.00 € still due". */
  summary?: string;
  /** Fields JSON adds next to the rows: `"amountDue": "12500.00"`. */
  fields?: Row;
  /** The command that lists them all, said when rows were left out. */
  more?: string;
}

export type Rendered =
  | { kind: 'list'; columns: Column[]; rows: Row[]; total: number; /** More than `total` match: "1,000+". */ atLeast?: boolean }
  | { kind: 'record'; columns: Column[]; record: Row; sections?: Section[] }
  | { kind: 'report'; heading: string; fields: Row; sections: ReportSection[] }
  /** An iCalendar file, already written (lib/output/ics.ts): `shown` of `total` events. */
  | { kind: 'calendar'; ics: string; shown: number; total: number; atLeast?: boolean };

export interface Target {
  format: Format;
  color: boolean;
  /** Fit tables to the terminal: cells shortened, columns dropped, rows shown as records. */
  truncate: boolean;
  /** Terminal columns. */
  width?: number;
  /** Appending to a file that already has content: no header line for TSV and CSV. */
  continuing?: boolean;
}

const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * `2026-12-24 18:30` in local time, or `26-12-24 18:30` when compact: date-fns' format with
 * 'yyyy-MM-dd HH:mm' wrote the same, at several microseconds a call, which an export of 100,000
 * rows with three dates each felt.
 */
export function localDateTime(date: Date, compact = false): string {
  if (Number.isNaN(date.getTime())) throw new RangeError('Invalid time value');
  const year = String(date.getFullYear()).padStart(4, '0');
  return `${compact ? year.slice(-2) : year}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}`;
}

function plainValue(column: Column, value: unknown): string {
  if (value === null || value === undefined) return '';
  switch (column.kind) {
    case 'date':
      return value instanceof Date ? localDateTime(value) : String(value);
    case 'bool':
      return value ? 'yes' : 'no';
    default:
      // A column of mixed values (a history's From and To) shows each as its own kind would.
      if (value instanceof Date) return localDateTime(value);
      if (typeof value === 'boolean') return value ? 'yes' : 'no';
      return String(value);
  }
}

const isEmpty = (value: unknown) => value === null || value === undefined;

function jsonValue(column: Column, value: unknown): unknown {
  if (isEmpty(value)) return null;
  if (column.kind === 'date' && value instanceof Date) return value.toISOString();
  return value;
}

function toJson(columns: Column[], row: Row): Row {
  return Object.fromEntries(columns.map((c) => [c.key, jsonValue(c, row[c.key])]));
}

// ----- TSV and CSV -----------------------------------------------------------------------------

// OWASP CSV injection: a spreadsheet runs a cell starting with one of these (or their full-width
// forms) as a formula. csv-stringify's `escape_formulas` neutralises a cell starting with one
// with a leading quote; a separator followed by one starts a new cell in a spreadsheet that
// splits on it (`Dupont;=1+1` with `;` as separator), so a quote goes after such a separator too.
const FORMULA_STARTS = '=+\\-@\\t\\r\\uff1d\\uff0b\\uff0d\\uff20';
const FORMULA_AFTER_SEPARATOR = new RegExp(`([,;|\\t\\uff0c\\uff1b])(\\s*)(?=[${FORMULA_STARTS}])`, 'g');

function spreadsheetCell(column: Column, text: string, multiline: boolean): string {
  // A phone number keeps its digits and its +: RFC 3966 form, which no spreadsheet evaluates.
  if (column.kind === 'phone') return `tel:${safeText(text)}`;
  const safe = multiline ? safeText(text, { multiline: true }) : cellText(text);
  return safe.replace(FORMULA_AFTER_SEPARATOR, "$1$2'");
}

interface Block {
  title?: string;
  columns: Column[];
  rows: Row[];
}

const STARTS_FORMULA = new RegExp(`^[${FORMULA_STARTS}]`);
const CSV_QUOTED = /[",\r\n]/;

/**
 * One field as csv-stringify writes it with `escape_formulas` (RFC 4180 for CSV: quoted when it
 * holds a comma, a quote or a line break, quotes doubled). Written here because csv-stringify
 * took most of the time of a 100,000-row export; test/render.test.ts holds it to the library's
 * output. TSV cells hold no tab or line break (cellText), so TSV never quotes, as with `quote: false`.
 */
function delimitedField(value: string, csv: boolean): string {
  if (value === '') return value;
  const safe = STARTS_FORMULA.test(value) ? `'${value}` : value;
  return csv && CSV_QUOTED.test(value) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

// What some rule above changes: control, invisible and bidi characters (safe-text.ts), the
// separators a formula may follow, quotes and line breaks.
const CHANGED = '\\u0000-\\u001f\\u007f-\\u009f\\u200b-\\u200d\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069\\ufeff",;|\\uff0c\\uff1b';

/**
 * A cell that no rule changes, written as it is: no formula start, none of the characters
 * above. Most cells are such. Exported for the lines of an export, which are checked with it
 * (copy-lines.ts).
 */
export const PLAIN_CELL_PATTERN = `(?:[^${FORMULA_STARTS}${CHANGED}][^${CHANGED}]*)?`;
const PLAIN_CELL = new RegExp(`^${PLAIN_CELL_PATTERN}$`);

// A phone number as the database keeps them (E.164), which the rules leave as it is after `tel:`.
const E164 = /^\+[0-9]+$/;

/** One TSV or CSV field for a value. */
export function delimitedCell(column: Column, value: unknown, csv: boolean): string {
  if (isEmpty(value)) return '';
  const text = plainValue(column, value);
  if (column.kind === 'phone') {
    if (E164.test(text)) return `tel:${text}`;
  } else if (value instanceof Date || (typeof value === 'number' && value >= 0) || PLAIN_CELL.test(text)) {
    // A local date and time, or a number that is not negative, are digits and signs no rule changes.
    return text;
  }
  return delimitedField(spreadsheetCell(column, text, csv), csv);
}

/** The separator and line end of TSV or CSV. */
export function delimiters(csv: boolean): { separator: string; end: string } {
  return csv ? { separator: ',', end: '\r\n' } : { separator: '\t', end: '\n' };
}

/**
 * TSV and CSV: a header line of field names, then one line per row. A record with sections
 * (`client show`) continues with each section as its own block: an empty line, a `# <section>`
 * line, the section's header line and its rows.
 */
function delimited(blocks: Block[], format: 'tsv' | 'csv', continuing: boolean): string {
  const csv = format === 'csv';
  const { separator, end } = delimiters(csv);
  const line = (fields: string[]) => `${fields.map((field) => delimitedField(field, csv)).join(separator)}${end}`;
  let out = '';
  blocks.forEach((block, b) => {
    // Blocks are separated by an empty line; a report's first block has a title too.
    if (block.title !== undefined) out += `${out.length > 0 ? end : ''}${line([`# ${block.title}`])}`;
    if (!(b === 0 && continuing)) out += line(block.columns.map((c) => c.key));
    const { columns } = block;
    // A loop rather than map and join: an export writes 100,000 lines through here.
    for (const row of block.rows) {
      let text = '';
      for (let i = 0; i < columns.length; i++) text += (i === 0 ? '' : separator) + delimitedCell(columns[i], row[columns[i].key], csv);
      out += text + end;
    }
  });
  return out;
}

// ----- Terminal --------------------------------------------------------------------------------

function painter(target: Target): chalk.Chalk {
  return paint(target.color);
}

const EMPTY = '—';

function terminalCell(column: Column, value: unknown, compactDate = false): Cell {
  if (isEmpty(value)) return cell(EMPTY, true);
  return cell(cellText(column.kind === 'date' && value instanceof Date ? localDateTime(value, compactDate) : plainValue(column, value)));
}

function gridOf(columns: Column[], rows: Row[]): Grid {
  return {
    columns,
    cells: rows.map((row) => columns.map((c) => terminalCell(c, row[c.key]))),
    compact: rows.map((row) => columns.map((c) => (c.kind === 'date' ? terminalCell(c, row[c.key], true) : undefined))),
  };
}

/** A table that fits the terminal; rows shown as records when no table can. */
function table(columns: Column[], rows: Row[], target: Target): string {
  const paint = painter(target);
  const grid = gridOf(columns, rows);
  const layout = fit(grid, target.truncate ? target.width : undefined);
  if (!layout) return rows.map((row) => recordLines(columns, row, target).join('\n')).join('\n\n');
  return draw(
    grid,
    layout,
    (text) => paint.bold.cyan(text),
    (text, column, shown) => {
      if (shown.empty) return paint.dim(text);
      if (column.kind === 'bool') return shown.text === 'yes' ? paint.green(text) : paint.yellow(text);
      return text;
    },
  );
}

/** "Header  value" lines; a multi-line value (notes) continues under its first line. */
function recordLines(columns: Column[], record: Row, target: Target): string[] {
  const paint = painter(target);
  const width = Math.max(...columns.map((c) => displayWidth(c.header)));
  return columns.map((c) => {
    const value = record[c.key];
    const label = paint.bold(c.header + ' '.repeat(width - displayWidth(c.header)));
    if (isEmpty(value)) return `${label}  ${paint.dim(EMPTY)}`;
    const lines = safeText(plainValue(c, value), { multiline: true }).split('\n');
    return `${label}  ${lines.join(`\n${' '.repeat(width + 2)}`)}`;
  });
}

function recordView(data: Extract<Rendered, { kind: 'record' }>, target: Target): string {
  const paint = painter(target);
  const lines = recordLines(data.columns, data.record, target);
  for (const section of data.sections ?? []) {
    lines.push('', paint.bold.underline(section.title), section.rows.length ? table(section.columns, section.rows, target) : paint.dim('(none)'));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A report on a terminal: its heading, then each section's title with its count, a table
 * fitted to the width, and the command that shows the rows left out.
 */
function reportView(data: Extract<Rendered, { kind: 'report' }>, target: Target): string {
  const paint = painter(target);
  // Names in a heading can be long: cut to the terminal, as table cells are.
  const fitted = (text: string) => (target.truncate && target.width ? cutToWidth(safeText(text), target.width) : safeText(text));
  const lines = data.heading.split('\n').map((line, i) => (i === 0 ? paint.bold(fitted(line)) : fitted(line)));
  for (const s of data.sections) {
    const count = ` (${s.total.toLocaleString('en-US')})`;
    lines.push('', `${paint.bold.underline(fitted(s.title))}${paint.bold(count)}${s.summary ? `  ${safeText(s.summary)}` : ''}`);
    lines.push(s.rows.length ? table(s.columns, s.rows, target) : paint.dim('(none)'));
    if (s.total > s.rows.length && s.more) lines.push(paint.dim(`… ${(s.total - s.rows.length).toLocaleString('en-US')} more: ${s.more}`));
  }
  return `${lines.join('\n')}\n`;
}

function reportJson(data: Extract<Rendered, { kind: 'report' }>): Row {
  const sections = data.sections.map((s) => [s.key, { total: s.total, ...s.fields, rows: s.rows.map((row) => toJson(s.columns, row)) }]);
  const fields = Object.entries(data.fields).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : (value ?? null)]);
  return { ...Object.fromEntries(fields), ...Object.fromEntries(sections) };
}

// ----- Entry point -----------------------------------------------------------------------------

function recordJson(data: Extract<Rendered, { kind: 'record' }>): Row {
  const sections = (data.sections ?? []).map((s) => {
    const rows = s.rows.map((row) => toJson(s.columns, row));
    return [s.key, s.single ? (rows[0] ?? null) : rows];
  });
  return { ...toJson(data.columns, data.record), ...Object.fromEntries(sections) };
}

export function render(data: Rendered, target: Target): string {
  const { format } = target;
  // The runner lets only commands that make a calendar write the ics format.
  if (data.kind === 'calendar' || format === 'ics') {
    if (data.kind !== 'calendar' || format !== 'ics') throw new Error(`a ${data.kind} cannot be written as ${format}`);
    return data.ics;
  }
  if (format === 'json' || format === 'jsonl') {
    const values = data.kind === 'list' ? data.rows.map((row) => toJson(data.columns, row)) : data.kind === 'report' ? reportJson(data) : recordJson(data);
    if (format === 'json') return `${safeJson(JSON.stringify(values, null, 2))}\n`;
    return (Array.isArray(values) ? values : [values]).map((value) => `${safeJson(JSON.stringify(value))}\n`).join('');
  }
  if (format === 'table') {
    if (data.kind === 'record') return recordView(data, target);
    if (data.kind === 'report') return reportView(data, target);
    return data.rows.length ? `${table(data.columns, data.rows, target)}\n` : '';
  }
  const titled = (sections: Section[]) => sections.map((s) => ({ title: s.key, columns: s.columns, rows: s.rows }));
  const blocks: Block[] =
    data.kind === 'list'
      ? [{ columns: data.columns, rows: data.rows }]
      : data.kind === 'report'
        ? titled(data.sections)
        : [{ columns: data.columns, rows: [data.record] }, ...titled(data.sections ?? [])];
  return delimited(blocks, format, target.continuing === true);
}

/** A part of a plain-text answer such as help: an optional heading, then lines as they are. */
export interface TextBlock {
  heading?: string;
  lines: string[];
}

/** Plain text; only the headings are styled (bold), and not at all without colour. */
export function renderText(blocks: TextBlock[], color: boolean): string {
  const style = paint(color);
  return `${blocks.map((b) => [...(b.heading ? [style.bold(safeText(b.heading))] : []), ...b.lines.map((line) => safeText(line))].join('\n')).join('\n\n')}\n`;
}

export const NOTHING_FOUND = 'nothing found';

/** "showing 30 of 1,204": said on standard error, so that the data stays clean. */
export function listNote(data: Rendered): string | undefined {
  if (data.kind !== 'list' && data.kind !== 'calendar') return undefined;
  const shown = data.kind === 'list' ? data.rows.length : data.shown;
  if (shown === 0) return NOTHING_FOUND;
  if (shown >= data.total && !data.atLeast) return undefined;
  const n = (value: number) => value.toLocaleString('en-US');
  return `showing ${n(shown)} of ${n(data.total)}${data.atLeast ? '+' : ''} (--limit <n> or --all for more)`;
}

const FILE_FORMATS: Record<string, Format> = { csv: 'csv', tsv: 'tsv', tab: 'tsv', json: 'json', jsonl: 'jsonl', ndjson: 'jsonl', ics: 'ics' };

/** The format a file name asks for by its extension, if it names one. */
export function formatForFile(file: string): Format | undefined {
  const extension = /\.([a-z]+)$/i.exec(file)?.[1]?.toLowerCase();
  return extension === undefined ? undefined : FILE_FORMATS[extension];
}
