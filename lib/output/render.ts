import chalk from 'chalk';
import Table from 'cli-table3';
import { stringify } from 'csv-stringify/sync';
import { format as formatDate } from 'date-fns';

/**
 * The one place that turns command data into text: aligned, coloured tables on a
 * terminal; TSV, CSV (RFC 4180, formula cells neutralised) or JSON elsewhere.
 */

export const FORMATS = ['table', 'tsv', 'csv', 'json'] as const;
export type Format = (typeof FORMATS)[number];

export interface Column {
  key: string;
  header: string;
  kind?: 'text' | 'money' | 'date' | 'bool' | 'number';
}

export type Row = Record<string, unknown>;

export interface Section {
  key: string;
  title: string;
  columns: Column[];
  rows: Row[];
}

export type Rendered =
  | { kind: 'list'; columns: Column[]; rows: Row[]; total: number }
  | { kind: 'record'; columns: Column[]; record: Row; sections?: Section[] };

export interface Target {
  format: Format;
  color: boolean;
  /** Shorten long cells to keep a table readable on a terminal. */
  truncate: boolean;
  /** Terminal columns: cells are shortened further until a table fits. */
  width?: number;
}

const CELL_MAX = 40;
const CELL_MIN = 10;
const DATE_FORMAT = 'yyyy-MM-dd HH:mm';

function plainValue(column: Column, value: unknown): string {
  if (value === null || value === undefined) return '';
  switch (column.kind) {
    case 'date':
      return value instanceof Date ? formatDate(value, DATE_FORMAT) : String(value);
    case 'bool':
      return value ? 'yes' : 'no';
    default:
      // A column of mixed values (a history's From and To) shows each as its own kind would.
      if (value instanceof Date) return formatDate(value, DATE_FORMAT);
      if (typeof value === 'boolean') return value ? 'yes' : 'no';
      return String(value);
  }
}

function jsonValue(column: Column, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (column.kind === 'date' && value instanceof Date) return value.toISOString();
  return value;
}

function toJson(columns: Column[], row: Row): Row {
  return Object.fromEntries(columns.map((c) => [c.key, jsonValue(c, row[c.key])]));
}

// A spreadsheet runs a cell starting with one of these as a formula (OWASP CSV injection).
const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

// Tabs and line breaks inside a value would break the TSV grid.
const tsvCell = (text: string) => text.replace(/[\t\r\n]+/g, ' ');

/**
 * Column widths for a terminal: each at most CELL_MAX, then the widest text columns are
 * narrowed one character at a time (never below CELL_MIN, never dates or numbers) until the
 * table fits.
 */
function columnCaps(columns: Column[], cells: string[][], target: Target): number[] {
  const caps = columns.map((c, i) => Math.min(CELL_MAX, Math.max([...c.header].length, ...cells.map((r) => [...r[i]].length))));
  if (!target.truncate) return columns.map(() => Infinity);
  const shrinkable = (i: number) => (columns[i].kind ?? 'text') === 'text' && caps[i] > CELL_MIN;
  const total = () => caps.reduce((a, b) => a + b, 0) + 2 * (caps.length - 1);
  while (target.width && total() > target.width) {
    const candidates = caps.map((_, i) => i).filter(shrinkable);
    if (candidates.length === 0) break;
    const widest = candidates.reduce((a, b) => (caps[b] > caps[a] ? b : a));
    caps[widest]--;
  }
  return caps;
}

function grid(columns: Column[], rows: Row[], target: Target): string {
  const paint = new chalk.Instance({ level: target.color ? 1 : 0 });
  const cells = rows.map((row) => columns.map((c) => tsvCell(plainValue(c, row[c.key]))));
  const caps = columnCaps(columns, cells, target);
  const table = new Table({
    head: columns.map((c) => paint.bold.cyan(c.header)),
    chars: { top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: '  ' },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
    colAligns: columns.map((c) => (c.kind === 'money' || c.kind === 'number' ? 'right' : 'left')),
  });
  rows.forEach((row, r) => {
    table.push(
      columns.map((c, i) => {
        if (row[c.key] === null || row[c.key] === undefined) return paint.dim('—');
        const chars = [...cells[r][i]];
        const text = chars.length > caps[i] ? `${chars.slice(0, caps[i] - 1).join('')}…` : cells[r][i];
        if (c.kind === 'bool') return row[c.key] ? paint.green(text) : paint.yellow(text);
        return text;
      }),
    );
  });
  return table.toString();
}

function delimited(columns: Column[], rows: Row[], format: 'tsv' | 'csv'): string {
  const records = rows.map((row) => columns.map((c) => plainValue(c, row[c.key])));
  if (format === 'csv') {
    return stringify([columns.map((c) => c.key), ...records.map((r) => r.map(csvCell))], { record_delimiter: '\r\n' });
  }
  return [columns.map((c) => c.key), ...records.map((r) => r.map(tsvCell))].map((r) => `${r.join('\t')}\n`).join('');
}

function recordTable(data: Extract<Rendered, { kind: 'record' }>, target: Target): string {
  const paint = new chalk.Instance({ level: target.color ? 1 : 0 });
  const width = Math.max(...data.columns.map((c) => c.header.length));
  const lines = data.columns.map((c) => {
    const value = data.record[c.key];
    const text = value === null || value === undefined ? paint.dim('—') : plainValue(c, value);
    return `${paint.bold(c.header.padEnd(width))}  ${text}`;
  });
  for (const section of data.sections ?? []) {
    lines.push('', paint.bold.underline(section.title), section.rows.length ? grid(section.columns, section.rows, target) : paint.dim('(none)'));
  }
  return `${lines.join('\n')}\n`;
}

export function render(data: Rendered, target: Target): string {
  if (data.kind === 'list') {
    switch (target.format) {
      case 'json':
        return `${JSON.stringify(data.rows.map((row) => toJson(data.columns, row)), null, 2)}\n`;
      case 'table':
        return data.rows.length ? `${grid(data.columns, data.rows, target)}\n` : '';
      default:
        return delimited(data.columns, data.rows, target.format);
    }
  }
  switch (target.format) {
    case 'json': {
      const sections = Object.fromEntries((data.sections ?? []).map((s) => [s.key, s.rows.map((row) => toJson(s.columns, row))]));
      return `${JSON.stringify({ ...toJson(data.columns, data.record), ...sections }, null, 2)}\n`;
    }
    case 'table':
      return recordTable(data, target);
    default:
      return delimited(data.columns, [data.record], target.format);
  }
}

/** "showing 30 of 1,204": said on standard error, so that the data stays clean. */
export function listNote(data: Rendered): string | undefined {
  if (data.kind !== 'list') return undefined;
  if (data.rows.length === 0) return 'nothing found';
  if (data.rows.length >= data.total) return undefined;
  const n = (value: number) => value.toLocaleString('en-US');
  return `showing ${n(data.rows.length)} of ${n(data.total)} (--limit <n> or --all for more)`;
}

/** The format a file name asks for: .csv, .json, .tsv; anything else gets TSV. */
export function formatForFile(file: string): Format {
  const extension = /\.(csv|json|tsv)$/i.exec(file)?.[1]?.toLowerCase();
  return (extension as Format | undefined) ?? 'tsv';
}
