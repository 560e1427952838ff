import type { Column } from './render';
import { cutToWidth, displayWidth } from './safe-text';

/**
 * Lays a table out for a terminal from widths measured once per cell (display width: CJK and
 * emoji take two columns). On a narrow terminal, in this order: long text columns shrink
 * (headers with them), dates take their compact form, the columns leave in their `dropOrder`,
 * and names shrink last, never below NAME_MIN so that they can still be typed back. A table that
 * still does not fit is not drawn: the caller shows each row as a record instead.
 */

/** One cell as shown: its text (already made safe), its display width, and whether it is empty. */
export interface Cell {
  text: string;
  width: number;
  empty: boolean;
}

export interface Grid {
  columns: Column[];
  /** Per row, per column; `compact` holds the short form of date cells. */
  cells: Cell[][];
  compact?: (Cell | undefined)[][];
}

export interface Layout {
  /** Indexes of the columns shown, in order. */
  shown: number[];
  widths: number[];
  compactDates: boolean;
}

const GAP = 2;
/** No text column is wider than this on a terminal; names (columns that never drop) up to NAME_MAX. */
const CELL_MAX = 40;
const CELL_MIN = 10;
const NAME_MAX = 60;
const NAME_MIN = 20;

export function cell(text: string, empty = false): Cell {
  return { text, width: displayWidth(text), empty };
}

const isText = (c: Column) => (c.kind ?? 'text') === 'text';
const isName = (c: Column) => isText(c) && c.dropOrder === undefined;
const minimum = (c: Column, natural: number) => Math.min(natural, !isText(c) ? natural : isName(c) ? NAME_MIN : CELL_MIN);

function naturalWidths(grid: Grid, compactDates: boolean, capped: boolean): number[] {
  return grid.columns.map((column, i) => {
    let width = displayWidth(column.header);
    for (let r = 0; r < grid.cells.length; r++) {
      const shown = (compactDates && grid.compact?.[r][i]) || grid.cells[r][i];
      if (shown.width > width) width = shown.width;
    }
    if (!capped || !isText(column)) return width;
    return Math.min(width, isName(column) ? NAME_MAX : CELL_MAX);
  });
}

/** Narrows the widest shrinkable column one step at a time; false when the table cannot fit. */
function shrink(columns: Column[], widths: number[], natural: number[], available: number, namesToo: boolean): boolean {
  let total = widths.reduce((a, b) => a + b, 0) + GAP * (widths.length - 1);
  while (total > available) {
    let widest = -1;
    for (let i = 0; i < widths.length; i++) {
      const c = columns[i];
      if (!isText(c) || (isName(c) && !namesToo)) continue;
      if (widths[i] <= minimum(c, natural[i])) continue;
      if (widest < 0 || widths[i] > widths[widest]) widest = i;
    }
    if (widest < 0) return false;
    widths[widest]--;
    total--;
  }
  return true;
}

/** The layout that fits `available` columns, or undefined when no table can. */
export function fit(grid: Grid, available: number | undefined): Layout | undefined {
  const all = grid.columns.map((_, i) => i);
  if (available === undefined) return { shown: all, widths: naturalWidths(grid, false, false), compactDates: false };
  const droppable = all.filter((i) => grid.columns[i].dropOrder !== undefined).sort((a, b) => grid.columns[a].dropOrder! - grid.columns[b].dropOrder!);
  for (const compactDates of [false, true]) {
    const natural = naturalWidths(grid, compactDates, true);
    for (let dropped = 0; dropped <= droppable.length; dropped++) {
      const gone = new Set(droppable.slice(0, dropped));
      const shown = all.filter((i) => !gone.has(i));
      const columns = shown.map((i) => grid.columns[i]);
      const widths = shown.map((i) => natural[i]);
      const last = dropped === droppable.length;
      // Names shrink only once nothing else may leave the table.
      if (shrink(columns, widths, shown.map((i) => natural[i]), available, compactDates && last)) return { shown, widths, compactDates };
      if (!compactDates) break;
    }
  }
  return undefined;
}

export type Paint = (text: string, column: Column, cell: Cell) => string;

function pad(text: string, width: number, used: number, right: boolean): string {
  const space = ' '.repeat(Math.max(0, width - used));
  return right ? space + text : text + space;
}

/** The table's lines: a header line, then one line per row; no line ends with spaces. */
export function draw(grid: Grid, layout: Layout, paintHeader: (text: string) => string, paintCell: Paint): string {
  const lines: string[] = [];
  const header = layout.shown.map((i, k) => {
    const text = cutToWidth(grid.columns[i].header, layout.widths[k]);
    const right = grid.columns[i].kind === 'money' || grid.columns[i].kind === 'number';
    return { text: paintHeader(text), used: displayWidth(text), right };
  });
  lines.push(join(header, layout.widths));
  for (let r = 0; r < grid.cells.length; r++) {
    const parts = layout.shown.map((i, k) => {
      const column = grid.columns[i];
      const shown = (layout.compactDates && grid.compact?.[r][i]) || grid.cells[r][i];
      const text = shown.width > layout.widths[k] ? cutToWidth(shown.text, layout.widths[k]) : shown.text;
      const used = text === shown.text ? shown.width : displayWidth(text);
      return { text: paintCell(text, column, shown), used, right: column.kind === 'money' || column.kind === 'number' };
    });
    lines.push(join(parts, layout.widths));
  }
  return lines.join('\n');
}

function join(parts: { text: string; used: number; right: boolean }[], widths: number[]): string {
  let line = '';
  parts.forEach((part, k) => {
    const lastColumn = k === parts.length - 1;
    line += lastColumn && !part.right ? part.text : pad(part.text, widths[k], part.used, part.right);
    if (!lastColumn) line += ' '.repeat(GAP);
  });
  return line.trimEnd();
}
