import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { to as copyTo } from 'pg-copy-streams';
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
  /**
   * The condition finds every match before the first row (a text search through its index): the
   * page's own query counts them as it sorts them, rather than a second query finding them again.
   */
  countedWithPage?: boolean;
}

/**
 * The time of a command in a list's condition (`--upcoming`, `--past`: not over, over, now), as
 * a parameter of its page and count, not written in their text. Written in, it made a text of its
 * own at every command, planned anew each time: 0.8 of the 1.6 ms an upcoming page took in the
 * server. The plan does not depend on it: an upcoming page walks the start index from the
 * earliest start of the events running now (epic_upcoming_since, itself given the time), a past
 * one from the first start, and the time only filters what they pass. A condition holds
 * `timeParameter(time)` in its SQL (a `literal`); boundWhere makes it a `$n`, inlineWhere writes it in.
 */
export function timeParameter(time: Date): string {
  return `${TIME_MARK}${time.toISOString()}${TIME_MARK}`;
}
// No SQL text holds this character: a condition's own text cannot be mistaken for a time.
const TIME_MARK = '\u0002';
const MARKED_TIME = new RegExp(`${TIME_MARK}([^${TIME_MARK}]*)${TIME_MARK}`, 'g');

/** SQL text and the values of its `$n` parameters. */
export interface Statement {
  text: string;
  values?: unknown[];
}

interface PgClient {
  query(
    config: Statement & { name?: string; types: { getTypeParser(oid: number, format?: string): (text: string) => unknown } },
    done: (error: Error | null, result: { rows: object[] }) => void,
  ): void;
  /** A COPY ... TO STDOUT (pg-copy-streams): the text it sends, as a stream. */
  query(copy: ReturnType<typeof copyTo>): Readable;
  /** pg's record of the statements this connection has prepared, by name. */
  connection: { parsedStatements: Record<string, string> };
}

/**
 * Statements each connection keeps prepared. A list's page and count run as named statements,
 * so PostgreSQL parses them, applies the row-level security policies and plans them once per
 * connection rather than at every command (0.9 of the 2.5 ms of a 30-event page at 100,000
 * contracts). Their conditions are parameters where Sequelize makes them so (equalities), so
 * one text serves every value; a text that holds a value itself (a time, a search's pattern)
 * would rarely come again. So a text is prepared the second time it is run, not the first, and
 * beyond KEPT_STATEMENTS the least recently used is deallocated.
 */
const KEPT_STATEMENTS = 64;
/** Texts run once, remembered (on this side only) to prepare them when they come again. */
const SEEN_TEXTS = 256;

interface Kept {
  /** Each prepared text's statement name, least recently used first. */
  names: Map<string, string>;
  /** Texts run once, least recently seen first. */
  seen: Map<string, true>;
  next: number;
}
const keptStatements = new WeakMap<PgClient, Kept>();

/**
 * Puts `key` last, as the most recently used (a Map keeps insertion order), and removes and
 * returns the least recently used entry if there are more than `cap`.
 */
function putRecent<K, V>(map: Map<K, V>, key: K, value: V, cap: number): [K, V] | undefined {
  map.delete(key);
  map.set(key, value);
  if (map.size <= cap) return undefined;
  const oldest = map.entries().next().value as [K, V];
  map.delete(oldest[0]);
  return oldest;
}

/** Drops `text`'s name on this connection: it is given a new one the next time it is prepared. */
function forget(client: PgClient, text: string): void {
  keptStatements.get(client)?.names.delete(text);
}

/** The name `text` runs under on this connection (none the first time), and a name to deallocate to make room. */
function statementName(client: PgClient, text: string): { name?: string; evicted?: string } {
  let kept = keptStatements.get(client);
  if (!kept) keptStatements.set(client, (kept = { names: new Map(), seen: new Map(), next: 0 }));
  const name = kept.names.get(text);
  if (name !== undefined) {
    putRecent(kept.names, text, name, KEPT_STATEMENTS);
    return { name };
  }
  if (!kept.seen.delete(text)) {
    putRecent(kept.seen, text, true, SEEN_TEXTS);
    return {};
  }
  const fresh = `epic_list_${kept.next++}`;
  const [, evicted] = putRecent(kept.names, text, fresh, KEPT_STATEMENTS) ?? [];
  return { name: fresh, evicted };
}

const TIMESTAMPTZ = 1184;

/** The character code of '0'. */
const ZERO = 48;

/** The number written by the digits of text[from, to), NaN if one is not a digit. */
function digitsAt(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = text.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * A timestamptz as the server writes it in the sessions Sequelize opens (time zone +00,
 * `YYYY-MM-DD HH:MM:SS[.ffffff]+00`), read by character codes: pg's own parser (postgres-date)
 * builds each Date through local time, and a regular expression with seven number conversions
 * still took a tenth of an export's CPU. Anything else (a year before 1000 or after 9999, BC,
 * infinity, another zone) is undefined, for pg's parser to read.
 */
export function utcTimestamp(text: string): Date | undefined {
  const end = text.length - 3;
  if (end < 19 || text[end] !== '+' || text[end + 1] !== '0' || text[end + 2] !== '0') return undefined;
  if (text[4] !== '-' || text[7] !== '-' || text[10] !== ' ' || text[13] !== ':' || text[16] !== ':') return undefined;
  let ms = 0;
  if (end > 19) {
    // A fraction: a dot and 1 to 6 digits, of which milliseconds are the first three.
    if (text[19] !== '.' || end === 20 || end > 26) return undefined;
    ms = Math.floor((digitsAt(text, 20, end) * 10 ** (26 - end)) / 1000);
  }
  const year = digitsAt(text, 0, 4);
  const time = Date.UTC(year, digitsAt(text, 5, 7) - 1, digitsAt(text, 8, 10), digitsAt(text, 11, 13), digitsAt(text, 14, 16), digitsAt(text, 17, 19), ms);
  return year >= 1000 && Number.isFinite(time) ? new Date(time) : undefined;
}

/** A list's way into the database: its table, its condition as SQL, and its statements run on the transaction's own connection. */
export interface RawAccess {
  table: string;
  /** The condition with its values written in (a cursor's DECLARE is sent without parameters). */
  inlineWhere(where: WhereOptions): string;
  /** The condition with its values as parameters `$1`, `$2`, ...: one text for any values. */
  boundWhere(where: WhereOptions): Statement;
  /** Rows as plain objects; `prepared`: run as a named statement this connection keeps planned. */
  rows<T>(statement: Statement, prepared?: boolean): Promise<T[]>;
  /**
   * The text a `COPY ... TO STDOUT` sends, handed to `write` a chunk at a time, each written
   * before more is read. If a write fails, the rest is read and dropped (the connection takes no
   * other statement until the COPY has ended), then the write's error is thrown.
   */
  copyText(statement: string, write: (text: string) => Promise<void>): Promise<void>;
}

export function rawAccess(transaction: Transaction, model: ModelStatic<Model>): RawAccess {
  const sequelize = model.sequelize as Sequelize;
  const generator = sequelize.getQueryInterface().queryGenerator as {
    whereQuery(where: WhereOptions, options: object): string;
    bindParam(values: unknown[]): (value: unknown) => string;
  };
  const parsers = sequelize.connectionManager as unknown as { getTypeParser(oid: number, format?: string): (text: string) => unknown };
  const fallback = parsers.getTypeParser(TIMESTAMPTZ, 'text');
  const timestamp = (text: string) => utcTimestamp(text) ?? fallback(text);
  const types = { getTypeParser: (oid: number, format?: string) => (oid === TIMESTAMPTZ && format !== 'binary' ? timestamp : parsers.getTypeParser(oid, format)) };
  const client = (transaction as unknown as { connection: PgClient }).connection;
  const run = <T>(config: Statement & { name?: string }) =>
    // Through pg's callback: its promise form kept each batch's rows alive long enough for V8
    // to move them to the old generation (40 MB more at the peak of 100,000 clients).
    new Promise<T[]>((resolve, reject) => client.query({ ...config, types }, (error, result) => (error ? reject(error) : resolve(result.rows as T[]))));
  const log = (statement: Statement) => {
    // Logged as Sequelize logs its own queries, when it is asked to (tests read the plans of these).
    const { logging, logQueryParameters } = (sequelize as unknown as { options: { logging?: unknown; logQueryParameters?: boolean } }).options;
    if (typeof logging === 'function') {
      const values = logQueryParameters && statement.values?.length ? `; ${JSON.stringify(statement.values)}` : '';
      (logging as (sql: string) => void)(`Executing (raw): ${statement.text}${values}`);
    }
  };
  const copyText = async (statement: string, write: (text: string) => Promise<void>) => {
    log({ text: statement });
    const decoder = new StringDecoder('utf8');
    let failed: { error: unknown } | undefined;
    try {
      for await (const chunk of client.query(copyTo(statement))) {
        // After a failed write the rest is read and dropped: the connection takes no other statement until the COPY has ended.
        if (failed) continue;
        try {
          await write(decoder.write(chunk as Buffer));
        } catch (error) {
          failed = { error };
        }
      }
    } catch (error) {
      throw new DatabaseError(error as Error & { sql: string });
    }
    if (failed) throw failed.error;
    await write(decoder.end());
  };
  const rows = async <T>(statement: Statement, prepared = false) => {
    log(statement);
    try {
      if (!prepared) return await run<T>(statement);
      const { name, evicted } = statementName(client, statement.text);
      // Only what the server has: a statement whose first run failed was never prepared.
      if (evicted !== undefined && client.connection.parsedStatements[evicted] !== undefined) {
        await run({ text: `DEALLOCATE ${evicted}` });
        delete client.connection.parsedStatements[evicted];
      }
      try {
        return await run<T>({ ...statement, name });
      } catch (error) {
        // Prepared again under a new name next time: a plan made before a migration changed a
        // column's type fails at every run ("cached plan must not change result type").
        if (name !== undefined) forget(client, statement.text);
        throw error;
      }
    } catch (error) {
      // As Sequelize would have wrapped it, so that lib/db/errors.ts reads it the same way.
      throw new DatabaseError(error as Error & { sql: string });
    }
  };
  return {
    table: `"${model.getTableName() as string}"`,
    inlineWhere: (where) => generator.whereQuery(where, { model, prefix: model.name }).replace(MARKED_TIME, (_, iso: string) => `${sequelize.escape(iso)}::timestamptz`),
    boundWhere: (where) => {
      const values: unknown[] = [];
      // Sequelize makes parameters of equalities (an owner's id, a flag) and writes in other
      // values: a date typed with --from or a pattern makes a text of its own, which is then not
      // prepared (it does not come again). A command's time is made a parameter here (timeParameter).
      const text = generator.whereQuery(where, { model, prefix: model.name, bindParam: generator.bindParam(values) }).replace(MARKED_TIME, (_, iso: string) => {
        values.push(new Date(iso));
        return `$${values.length}::timestamptz`;
      });
      return { text, values };
    },
    rows,
    copyText,
  };
}
