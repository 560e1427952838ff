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
