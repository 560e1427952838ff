import v8 from 'node:v8';
import vm from 'node:vm';
import type { BatchSink, CopySink } from '../services/batches';
import { copyLines, processTimeZone } from './copy-lines';
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

/** Where a streamed list's rows go; CSV and TSV also take the text of a COPY (copy-lines.ts). */
export type RowSink = BatchSink<Row>;

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
  const timeZone = processTimeZone();
  const csv = target.format === 'csv';
  const copyReader = timeZone && (csv || target.format === 'tsv') ? copyLines(columns, csv, timeZone) : undefined;
  let chunks = 0;
  const copy: CopySink | undefined = copyReader && {
    probe: copyReader.probe,
    statement: copyReader.statement,
    async write(text) {
      if (++chunks % CHUNKS_PER_COLLECTION === 0) collectYoungGeneration();
      const done = copyReader.lines(text);
      if (done.count === 0) return;
      // The header line, as the whole list has it, before the first line.
      if (rows === 0) await emit([]);
      rows += done.count;
      await output.write(done.text);
    },
    end: copyReader.end,
  };
  return {
    copy,
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

/**
 * The chunks of a COPY come in buffers outside V8's heap (64 KB each, two or three a chunk: the
 * socket's, pg-copy-streams' and the written text's), which V8 frees only once a collection
 * finds them unused, and the small objects that hold them do not fill the young generation fast
 * enough for its collections to come often: at 100,000 clients they added up to 7 MB and the
 * export peaked at 92–101 MB. Collecting the young generation every few chunks (a
 * millisecond or less each, no change in the export's time) keeps the peak at 80–84 MB
 * (README, "Lists at 100,000 clients"). V8 gives the function only to a context made after it
 * is asked to.
 */
const CHUNKS_PER_COLLECTION = 4;
let collector: ((options: { type: 'minor' }) => void) | undefined;
function collectYoungGeneration(): void {
  if (!collector) {
    v8.setFlagsFromString('--expose-gc');
    collector = vm.runInNewContext('gc') as (options: { type: 'minor' }) => void;
  }
  collector({ type: 'minor' });
}
