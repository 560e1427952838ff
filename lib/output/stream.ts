import v8 from 'node:v8';
import { render, type Column, type Format, type Row, type Target } from './render';

/**
 * A list written batch by batch as it is read (`client list --all --format csv` of 100,000
 * clients): the same text as the whole list rendered at once (one header line, the same CSV and
 * TSV rules, formula cells neutralised), in memory that does not grow with the rows.
 */

/** The formats written line by line, which a list can be streamed in. */
export const LINE_FORMATS: readonly Format[] = ['tsv', 'csv', 'jsonl'];

/** Where the text goes: a file or standard output. */
export interface LineOutput {
  /** Called before the first write: whether the destination already has content (`>>`: no second header). */
  open(): boolean;
  write(text: string): Promise<void> | void;
}

export interface RowSink {
  write(rows: Row[]): Promise<void>;
}

export interface RowStream extends RowSink {
  /** How many rows were written. */
  readonly rows: number;
  /** Writes the header line of a list that had no rows, as the whole list would have. */
  finish(): Promise<void>;
}

export function rowStream(columns: Column[], target: Target, output: LineOutput): RowStream {
  keepYoungGenerationSize();
  let rows = 0;
  let continuing: boolean | undefined;
  const emit = async (batch: Row[]) => {
    continuing ??= output.open();
    await output.write(render({ kind: 'list', columns, rows: batch, total: batch.length }, { ...target, continuing }));
    continuing = true;
  };
  return {
    get rows() {
      return rows;
    },
    async write(batch) {
      rows += batch.length;
      await emit(batch);
    },
    async finish() {
      if (continuing === undefined) await emit([]);
    },
  };
}

/**
 * V8 grows its young generation (up to two 16 MB halves) once enough objects have survived its
 * collections, and an export's rows and lines, each batch alive while it is written, always do
 * in the end: that growth was most of what an export added to the command's peak memory, and
 * keeping the size costs no time that shows (README, "Lists at 100,000 clients"). From the first
 * streamed list on, the process keeps the size it has. V8 reads this setting each
 * time it would grow, so it holds when set now; its maximum, read only at start, does not.
 */
function keepYoungGenerationSize(): void {
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}
