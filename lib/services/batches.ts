import { DatabaseError, type Sequelize, type WhereOptions } from 'sequelize';
import type { ModelStatic, Model } from 'sequelize';
import type { Tx } from '../db/context';

/**
 * Every row of a list (`--all` in CSV, TSV or JSON lines), read through a cursor of the
 * command's transaction and handed on BATCH rows at a time as plain rows whose keys are the
 * list's columns: no model instances, no count, and memory that does not grow with the rows.
 * The query runs as everything else does, under the runtime role and row-level security.
 */

/**
 * Rows per FETCH. Each batch is written before the one after next is asked for, so at most two
 * live at once. The peak memory of 100,000 clients was within 5 MB for 250, 1,000 and 5,000
 * rows; fewer rows per FETCH cost more round trips.
 */
const BATCH = 1000;

/** A list's query: a SELECT whose column aliases are the row keys, and the condition that the list's own query uses. */
export interface BatchQuery {
  /** `SELECT ... FROM <table> AS "<Model>" ...`, without WHERE. */
  select: string;
  /** The model the condition is on, aliased by its name in `select`. */
  model: ModelStatic<Model>;
  where: WhereOptions;
  /** `ORDER BY ...`: the list's own order. */
  orderBy: string;
}

interface PgConnection {
  query(
    config: { text: string; types: { getTypeParser(oid: number, format?: string): (text: string) => unknown } },
    done: (error: Error | null, result: { rows: object[] }) => void,
  ): void;
}

const TIMESTAMPTZ = 1184;
const UTC_TIME = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?\+00$/;

/**
 * A timestamptz as the server writes it in the sessions Sequelize opens (time zone +00):
 * pg's own parser (postgres-date) builds each Date through local time, about 7 % of an
 * export's CPU in a profile. Any other form (a year before 1000, BC, infinity) goes to that parser.
 */
function timestampParser(fallback: (text: string) => unknown): (text: string) => unknown {
  return (text) => {
    const m = UTC_TIME.exec(text);
    if (!m || m[1] < '1000') return fallback(text);
    const ms = m[7] === undefined ? 0 : Math.floor(Number(m[7].padEnd(6, '0')) / 1000);
    return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms));
  };
}

export async function eachBatch<T>(tx: Tx, query: BatchQuery, write: (rows: T[]) => Promise<void>): Promise<void> {
  const sequelize = query.model.sequelize as Sequelize;
  const generator = sequelize.getQueryInterface().queryGenerator as { whereQuery(where: WhereOptions, options: object): string };
  const parsers = sequelize.connectionManager as unknown as { getTypeParser(oid: number, format?: string): (text: string) => unknown };
  const timestamp = timestampParser(parsers.getTypeParser(TIMESTAMPTZ, 'text'));
  const types = { getTypeParser: (oid: number, format?: string) => (oid === TIMESTAMPTZ && format !== 'binary' ? timestamp : parsers.getTypeParser(oid, format)) };
  // pg's client of the transaction, read directly: Sequelize's query path cost more than the rows.
  const connection = (tx.transaction as unknown as { connection: PgConnection }).connection;
  const run = async (text: string) => {
    try {
      // Through pg's callback: its promise form kept each batch's rows alive long enough for V8
      // to move them to the old generation (40 MB more at the peak of 100,000 clients).
      return await new Promise<T[]>((resolve, reject) => connection.query({ text, types }, (error, result) => (error ? reject(error) : resolve(result.rows as T[]))));
    } catch (error) {
      // As Sequelize would have wrapped it, so that lib/db/errors.ts reads it the same way.
      throw new DatabaseError(error as Error & { sql: string });
    }
  };
  const where = generator.whereQuery(query.where, { model: query.model, prefix: query.model.name });
  await run(`DECLARE epic_export NO SCROLL CURSOR FOR ${query.select} ${where} ${query.orderBy}`);
  const fetch = () => {
    const rows = run(`FETCH ${BATCH} FROM epic_export`);
    // Read ahead while the batch before is written; if that write fails, this one is not awaited.
    rows.catch(() => undefined);
    return rows;
  };
  for (let next = fetch(); ; ) {
    const rows = await next;
    const more = rows.length === BATCH;
    if (more) next = fetch();
    if (rows.length > 0) await write(rows);
    if (!more) break;
  }
  await run('CLOSE epic_export');
}
