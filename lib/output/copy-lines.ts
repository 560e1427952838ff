import fs from 'node:fs';
import { quoteIdentifier, quoteLiteral } from '../db/sql-text';
import type { CopySink } from '../services/batches';
import { delimitedCell, delimiters, localDateTime, PLAIN_CELL_PATTERN, type Column } from './render';

/**
 * The CSV and TSV lines of an export (`client list --all --format csv`) as the database writes
 * them: `COPY (...) TO STDOUT` of the list's cells as their text, each line checked here and
 * written as it is when every cell in it is plain (render.ts: one that no rule changes, most
 * cells), or written from its cells by render.ts's rules when one is not. Reading 100,000 rows
 * one by one through pg, and writing each cell through the rules, was most of an export's time.
 *
 * The database writes a cell as render.ts would write it if it is plain: the text of its value,
 * `tel:` before a phone, yes or no for a flag, and a date in the local time of this process.
 * PostgreSQL and Node.js both keep the IANA rules of time zones, but each its own copy, of its
 * own release: the COPY is used only if the database, set to the process's zone
 * (processTimeZone) for the transaction, writes exactly as this process does the minute before
 * and the minute of every change of the zone's offset from 1970 to 2060 that Node.js knows, and
 * noon UTC on the 15th of every month (the probe); otherwise the setting is rolled back. In that
 * zone the database writes a date as its own text: naming the zone in every cell (AT TIME ZONE)
 * made it look the zone up again for each date, a sixth of an export's time. A rule that the
 * two copies date differently shows at one of Node.js's changes; a period of another offset
 * that only the database knows shows if it covers a 15th or one of Node.js's changes, and one
 * shorter than a month that does neither would pass. A date outside those years, or infinity,
 * comes as \x01 and its milliseconds since 1970 instead, which no line of plain cells holds,
 * and render.ts writes it.
 */

export interface CopyLines {
  /** Whether the database writes dates as this process does, in its time zone. */
  probe: CopySink['probe'];
  /** The COPY statement of the list's query (SELECT, condition and order) for this export. */
  statement(list: string): string;
  /** The lines of the records that `text` ends, which continues the text given before, and how many there are. */
  lines(text: string): { text: string; count: number };
  /** Throws if the text ended inside a record. */
  end(): void;
}

/** Marks a date sent as its milliseconds since 1970, for render.ts to write. */
const EPOCH_MS_MARK = '\u0001';
const QUOTE = '"';
const END = '\n';

// The years whose dates the database writes itself: those the probe asks about.
const PROBED_FROM = '1970-01-01 00:00+00';
const PROBED_UNTIL = '2060-01-01 00:00+00';
const PROBED_FROM_TIME = Date.UTC(1970, 0, 1);
const PROBED_UNTIL_TIME = Date.UTC(2060, 0, 1);

/** A timestamp as render.ts writes it in local time (YYYY-MM-DD HH:MM), written by the database in the transaction's zone (`zoneSql`). */
const localTimeSql = (value: string) => `left((${value})::text, 16)`;

/** Sets the zone and ISO date style the probe and the COPY write dates in, until the transaction ends. */
const zoneSql = (timeZone: string) => `SELECT set_config('TimeZone', ${quoteLiteral(timeZone)}, true), set_config('DateStyle', 'ISO', true)`;

/** A cell's text as the database writes it; NULL for an empty cell. */
function cellSql(column: Column): string {
  const value = `q.${quoteIdentifier(column.key)}`;
  switch (column.kind) {
    case 'date':
      return `CASE WHEN ${value} >= '${PROBED_FROM}' AND ${value} < '${PROBED_UNTIL}' THEN ${localTimeSql(value)}
                   ELSE E'\\x01' || floor(extract(epoch FROM ${value}) * 1000)::text END`;
    case 'bool':
      return `CASE WHEN ${value} THEN 'yes' WHEN NOT ${value} THEN 'no' END`;
    case 'phone':
      return `'tel:' || ${value}`;
    case 'number':
      // Never an empty text: written as COPY writes the number, without a cast and a comparison per row.
      return value;
    default:
      // An empty text is NULL, not the quoted "" COPY writes for it: the same empty cell.
      return `nullif(${value}::text, '')`;
  }
}

/** A cell's value as render.ts takes it, from the text the database wrote for it. */
function cellValue(column: Column, text: string | null): unknown {
  if (text === null || text === '') return null;
  switch (column.kind) {
    case 'date': {
      if (text[0] !== EPOCH_MS_MARK) return text;
      const milliseconds = Number(text.slice(1));
      // Infinity, as pg reads it: a number, not a date.
      return Number.isFinite(milliseconds) ? new Date(milliseconds) : milliseconds;
    }
    case 'bool':
      return text === 'yes';
    case 'phone':
      return text.slice('tel:'.length);
    default:
      return text;
  }
}

// An IANA zone name (Europe/Paris, UTC, Etc/GMT+5), not a POSIX rule (CET-1CEST), which
// Node.js and PostgreSQL read differently.
const ZONE_NAME = /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/;

/**
 * The name of the time zone Node.js writes local times in, as ICU finds it: TZ, or else the
 * zone /etc/localtime links to. Not asked of Intl (as ics.ts does for a calendar, and
 * validation.ts to name the zone of a time it refuses): loading its date formats cost an export
 * 5 MB of its peak memory.
 * Undefined when there is no such name; the probe checks the rest.
 */
export function processTimeZone(): string | undefined {
  let name = process.env.TZ?.replace(/^:/, '');
  if (name === undefined) {
    try {
      const target = fs.readlinkSync('/etc/localtime');
      const at = target.indexOf('zoneinfo/');
      name = at < 0 ? undefined : target.slice(at + 'zoneinfo/'.length);
    } catch {
      name = undefined;
    }
  }
  return name !== undefined && ZONE_NAME.test(name) ? name : undefined;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * The probe for this process's time zone: the minute before and the minute of each change of
 * its UTC offset, found a day at a time (a change undone within a day is not seen) then to the
 * minute, and noon UTC on the 15th of every month, as the database writes them and as this
 * process does. Made once for each zone (8 ms), as the shell runs many exports.
 */
const probes = new Map<string, CopySink['probe']>();
function probeFor(timeZone: string): CopySink['probe'] {
  const kept = probes.get(timeZone);
  if (kept) return kept;
  const date = new Date();
  const offset = (time: number) => {
    date.setTime(time);
    return date.getTimezoneOffset();
  };
  const instants: number[] = [];
  const from = PROBED_FROM_TIME;
  const until = PROBED_UNTIL_TIME;
  let previous = offset(from);
  for (let day = from + DAY; day < until; day += DAY) {
    const current = offset(day);
    if (current === previous) continue;
    let [before, after] = [day - DAY, day];
    while (after - before > MINUTE) {
      const middle = before + Math.floor((after - before) / 2 / MINUTE) * MINUTE;
      if (offset(middle) === previous) before = middle;
      else after = middle;
    }
    instants.push(after - MINUTE, after);
    previous = current;
  }
  for (const month = new Date(from); month.getTime() < until; month.setUTCMonth(month.getUTCMonth() + 1)) instants.push(month.getTime() + 14 * DAY + 12 * 60 * MINUTE);
  const probe = {
    setUp: zoneSql(timeZone),
    statement: `SELECT ${localTimeSql('to_timestamp(p.ms / 1000.0)')} FROM unnest(ARRAY[${instants.join(', ')}]::bigint[]) WITH ORDINALITY AS p(ms, n) ORDER BY p.n`,
    expected: instants.map((time) => localDateTime(new Date(time))),
  };
  probes.set(timeZone, probe);
  return probe;
}

export function copyLines(columns: Column[], csv: boolean, timeZone: string): CopyLines {
  const { separator, end } = delimiters(csv);
  const separatorSql = csv ? `','` : `E'\\t'`;
  const plainLine = new RegExp(`^${PLAIN_CELL_PATTERN}(?:${csv ? ',' : '\\t'}${PLAIN_CELL_PATTERN})*$`);
  const written = (cells: (string | null)[]) => {
    if (cells.length !== columns.length) throw new Error(`the database wrote ${cells.length} cells where the list has ${columns.length}`);
    return cells.map((text, i) => delimitedCell(columns[i], cellValue(columns[i], text), csv)).join(separator);
  };
  /** The records that `all` ends: their lines, how many, and where the rest begins. */
  const records = (all: string): { text: string; count: number; next: number } => {
    let out = '';
    let count = 0;
    let at = 0;
    // Plain lines are written as runs of the text itself: `run` is where the current run began.
    let run = 0;
    const endRun = () => {
      if (at > run) out += csv ? all.slice(run, at).replaceAll(END, end) : all.slice(run, at);
    };
    // Where the next quote is: searched again only once passed, not for every line.
    let quote = all.indexOf(QUOTE);
    for (;;) {
      const stop = all.indexOf(END, at);
      if (stop < 0) break;
      let cells: (string | null)[] | undefined;
      let next = stop + 1;
      if (quote < 0 || quote > stop) {
        // No quoted cell: the line is its cells between separators.
        const line = all.slice(at, stop);
        if (!plainLine.test(line)) cells = line.split(separator).map((cell) => (cell === '' ? null : cell));
      } else {
        const record = quotedRecord(all, at, separator);
        if (!record) break;
        ({ cells, next } = record);
        if (quote < next) quote = all.indexOf(QUOTE, next);
      }
      count++;
      if (cells) {
        endRun();
        out += written(cells) + end;
        run = next;
      }
      at = next;
    }
    endRun();
    return { text: out, count, next: at };
  };
  let rest = '';
  return {
    probe: probeFor(timeZone),
    statement(list) {
      const cells = columns.map(cellSql).join(', ');
      return `COPY (SELECT ${cells} FROM (${list}) q) TO STDOUT WITH (FORMAT csv, DELIMITER ${separatorSql}, QUOTE '"')`;
    },
    lines(text) {
      // The record the text before left unfinished continues in this text.
      const all = rest + text;
      const read = records(all);
      rest = all.slice(read.next);
      return read;
    },
    end() {
      if (rest !== '') throw new Error('the database ended its lines inside a record');
    },
  };
}

/**
 * A record with quoted cells (a quote, a separator or a line break in a cell), read as COPY
 * writes CSV: quotes around the cell, a quote inside doubled; undefined if the text ends first.
 */
function quotedRecord(text: string, at: number, separator: string): { cells: (string | null)[]; next: number } | undefined {
  const cells: (string | null)[] = [];
  let i = at;
  for (;;) {
    let cell: string | null;
    if (text[i] === QUOTE) {
      cell = '';
      for (i++; ; ) {
        const close = text.indexOf(QUOTE, i);
        // A quote at the very end may be the first of a doubled one: wait for more text.
        if (close < 0 || close === text.length - 1) return undefined;
        cell += text.slice(i, close);
        if (text[close + 1] !== QUOTE) {
          i = close + 1;
          break;
        }
        cell += QUOTE;
        i = close + 2;
      }
    } else {
      let stop = i;
      while (stop < text.length && text[stop] !== separator && text[stop] !== END) stop++;
      if (stop === text.length) return undefined;
      cell = stop === i ? null : text.slice(i, stop);
      i = stop;
    }
    cells.push(cell);
    if (i >= text.length) return undefined;
    if (text[i] === END) return { cells, next: i + 1 };
    if (text[i] !== separator) throw new Error('the database wrote a cell this reader does not know');
    i++;
  }
}
