import type { Tx } from '../db/context';
import { rawAccess, type ListQuery } from './list-query';

/**
 * Every row of a list (`--all` in CSV, TSV or JSON lines), read in the command's transaction: in
 * CSV and TSV as the text of one COPY of the list's cells (lib/output/copy-lines.ts), otherwise
 * through a cursor, BATCH plain rows at a time whose keys are the list's columns. No model
 * instances, no count, and memory that does not grow with the rows.
 *
 * The COPY is the one place a service hands on text rather than plain rows: its statement and
 * probe come from the output module, which writes the lines, and only run here. Writing 100,000
 * rows from the database's lines took half the time of reading them one by one.
 */

/**
 * Rows per FETCH. Each batch is written before the one after next is asked for, so at most two
 * live at once. The peak memory of 100,000 clients was within 5 MB for 250, 1,000 and 5,000
 * rows; fewer rows per FETCH cost more round trips.
 */
const BATCH = 1000;

/** A sink that writes a list from the text of a COPY (lib/output/copy-lines.ts). */
export interface CopySink {
  /**
   * A statement the database must answer with `expected` (one value a row) for the COPY to be
   * used, after `setUp`, which sets what both are written under: kept for the rest of the
   * transaction if the answer is right, rolled back otherwise.
   */
  readonly probe: { setUp: string; statement: string; expected: string[] };
  /** The COPY statement of the list's query (SELECT, condition and order). */
  statement(list: string): string;
  write(text: string): Promise<void>;
  /** The text has ended. */
  end(): void;
}

/** Where the rows go: to `write`, or as the text of a COPY when the sink can read one and the database can write it. */
export interface BatchSink<T> {
  copy?: CopySink;
  write(rows: T[]): Promise<void>;
}

export async function eachBatch<T>(tx: Tx, query: ListQuery, sink: BatchSink<T>): Promise<void> {
  const { inlineWhere, rows: rowsOf, copyText } = rawAccess(tx.transaction, query.model);
  const run = <R>(text: string) => rowsOf<R>({ text });
  const list = `${query.select} ${inlineWhere(query.where)} ${query.orderBy}`;
  const { copy } = sink;
  if (copy && (await answers(run, copy.probe))) {
    await copyText(copy.statement(list), (text) => copy.write(text));
    copy.end();
    return;
  }
  await run(`DECLARE epic_export NO SCROLL CURSOR FOR ${list}`);
  const fetch = () => {
    const rows = run<T>(`FETCH ${BATCH} FROM epic_export`);
    // Read ahead while the batch before is written; if that write fails, this one is not awaited.
    rows.catch(() => undefined);
    return rows;
  };
  for (let next = fetch(); ; ) {
    const rows = await next;
    const more = rows.length === BATCH;
    if (more) next = fetch();
    if (rows.length > 0) await sink.write(rows);
    if (!more) break;
  }
  await run('CLOSE epic_export');
}

/**
 * Whether the database answers the probe as expected. Asked inside a savepoint, which a no rolls
 * back: the transaction goes on with its own settings. A value the database does not know (a
 * time zone's name, SQLSTATE 22023) is a no; any other error is the command's.
 */
async function answers(run: <R>(text: string) => Promise<R[]>, probe: CopySink['probe']): Promise<boolean> {
  await run('SAVEPOINT epic_probe');
  let answered = false;
  try {
    await run(probe.setUp);
    const rows = await run<Record<string, unknown>>(probe.statement);
    answered = probe.expected.length > 0 && rows.length === probe.expected.length && rows.every((row, i) => Object.values(row)[0] === probe.expected[i]);
  } catch (error) {
    if ((error as { parent?: { code?: string } }).parent?.code !== '22023') throw error;
  }
  if (!answered) await run('ROLLBACK TO SAVEPOINT epic_probe');
  await run('RELEASE SAVEPOINT epic_probe');
  return answered;
}
