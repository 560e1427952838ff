import { DatabaseError, type Model, type ModelStatic, type Sequelize, type Transaction, type WhereOptions } from 'sequelize';

/**
 * A list's query, written once for its page and for every row of `--all`: a SELECT whose column
 * aliases are the keys of the service's plain row, the list's condition and its order. It runs
 * on pg's client of the command's transaction, under the runtime role and row-level security
 * like everything else, and its rows are the plain rows services return: building Sequelize
 * instances for a page cost more than the query (about 2 ms of a 30-event page at 100,000
 * contracts).
 */
export interface ListQuery {
  /** `SELECT ... FROM <table> AS "<Model>" ...`, without WHERE. */
  select: string;
  /** The model the condition is on, aliased by its name in `select`. */
  model: ModelStatic<Model>;
  /** On the listed table's own columns, so that the capped count needs no join (lib/services/page.ts). */
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

/** Runs SQL text on the transaction's own connection and answers its rows as plain objects. */
export type RawRows = <T>(text: string) => Promise<T[]>;

/** The model's table, the SQL of a condition on it, and a way to run SQL text in the transaction. */
export function rawAccess(transaction: Transaction, model: ModelStatic<Model>): { table: string; whereSql(where: WhereOptions): string; rows: RawRows } {
  const sequelize = model.sequelize as Sequelize;
  const generator = sequelize.getQueryInterface().queryGenerator as { whereQuery(where: WhereOptions, options: object): string };
  const parsers = sequelize.connectionManager as unknown as { getTypeParser(oid: number, format?: string): (text: string) => unknown };
  const timestamp = timestampParser(parsers.getTypeParser(TIMESTAMPTZ, 'text'));
  const types = { getTypeParser: (oid: number, format?: string) => (oid === TIMESTAMPTZ && format !== 'binary' ? timestamp : parsers.getTypeParser(oid, format)) };
  const connection = (transaction as unknown as { connection: PgConnection }).connection;
  const rows: RawRows = async <T>(text: string) => {
    // Logged as Sequelize logs its own queries, when it is asked to.
    const log = (sequelize as unknown as { options: { logging?: unknown } }).options.logging;
    if (typeof log === 'function') (log as (sql: string) => void)(`Executing (raw): ${text}`);
    try {
      // Through pg's callback: its promise form kept each batch's rows alive long enough for V8
      // to move them to the old generation (40 MB more at the peak of 100,000 clients).
      return await new Promise<T[]>((resolve, reject) => connection.query({ text, types }, (error, result) => (error ? reject(error) : resolve(result.rows as T[]))));
    } catch (error) {
      // As Sequelize would have wrapped it, so that lib/db/errors.ts reads it the same way.
      throw new DatabaseError(error as Error & { sql: string });
    }
  };
  return {
    table: `"${model.getTableName() as string}"`,
    whereSql: (where) => generator.whereQuery(where, { model, prefix: model.name }),
    rows,
  };
}
