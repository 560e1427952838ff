import anyTest, { type TestFn } from 'ava';
import { copyLines } from '../lib/output/copy-lines';
import { render, type Column, type Row } from '../lib/output/render';
import { rowStream } from '../lib/output/stream';
import { CLIENT_FOLLOW_UP_COLUMNS } from '../lib/output/columns';
import { selectRows, type Tx } from '../lib/db/context';
import { eachClientBatch, listClients } from '../lib/services/clients';
import { freshDatabase } from './helpers/database';
import { runOk, shellHarness } from './helpers/shell';
import { buildWorld, type World } from './helpers/world';

/**
 * Exports in CSV and TSV written from the lines the database writes (lib/output/copy-lines.ts):
 * the same text as the rows written one by one by render.ts, whatever the cells hold and
 * whatever the time zone, and the rows read one by one when the database would write the dates
 * otherwise than this process.
 */
const test = anyTest as TestFn<{ w: World }>;

test.before(async (t) => {
  const w = await buildWorld(await freshDatabase());
  // Every kind of cell a rule changes, among plain ones; dates on both sides of 1970, of
  // daylight saving time in many zones, and of 2060 (from which Node.js writes them).
  await w.db.owner.query(`
    INSERT INTO clients ("fullName", email, phone, "companyName", "salesContactId", "createdAt", "updatedAt", version)
      SELECT (ARRAY['Plain ', E'Tab\\there ', E'Two\\nlines ', E'Carriage\\rreturn ', 'Say "cheese" ', 'Comma, semicolon; pipe| ',
                    '=1+1 ', '+33 ', '-Minus ', '@At ', E'\\u202eevil ', E'zero\\u200bwidth ', E'\\u0001start ', '\\. ', 'Zoë 日本 ',
                    E'\\uff1dfull ', ' leading '])[1 + i % 17] || i,
             'copy' || i || '@copy.test', '+3361' || lpad(i::text, 7, '0'),
             (ARRAY[NULL, '', 'Dupont;=cmd|calc', 'Plain Co', E'back\\\\slash'])[1 + i % 5], ${w.sales.id},
             (ARRAY[timestamptz '1969-07-20 20:17:40.123456Z', '1970-01-01 00:00Z', '2026-03-29 00:59:59.999Z', '2026-03-29 01:00Z',
                    '2026-10-25 00:30Z', '2026-11-01 06:30Z', '2026-04-05 15:45Z', '9500-06-01 12:00Z', '2040-07-01 12:34:56Z',
                    '2059-12-31 23:59:59.999Z', '2060-01-01 00:00Z'])[1 + i % 11],
             now(), 0
        FROM generate_series(1, 2500) i;
    ANALYZE clients;`);
  t.context.w = w;
});
test.after.always(async (t) => {
  await t.context.w?.db.drop();
});

/** The SQL texts the shell sends while `work` runs. */
async function statementsOf(w: World, work: () => Promise<unknown>): Promise<string[]> {
  const sequelize = w.db.sequelize as unknown as { options: { logging: unknown } };
  const logging = sequelize.options.logging;
  const statements: string[] = [];
  sequelize.options.logging = (sql: string) => statements.push(sql);
  try {
    await work();
  } finally {
    sequelize.options.logging = logging;
  }
  return statements;
}

/** Runs `work` with the process in `zone` (TZ), then as it was. */
async function inTimeZone<T>(zone: string, work: () => Promise<T>): Promise<T> {
  const before = process.env.TZ;
  process.env.TZ = zone;
  try {
    return await work();
  } finally {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  }
}

// Zones with daylight saving time north and south, half and quarter hours, and none.
const ZONES = ['Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'Asia/Kathmandu', 'UTC'];

test.serial('client list --all in CSV and TSV is the text of the whole list at once, from lines the database writes, in every time zone', async (t) => {
  const { w } = t.context;
  for (const zone of ZONES) {
    await inTimeZone(zone, async () => {
      const shell = shellHarness(w.db, w.clock);
      await shell.loginAs('sam@epic.test');
      for (const format of ['csv', 'tsv']) {
        const whole = await runOk(shell, `client list --limit 10000 --format ${format}`);
        let streamed = '';
        const statements = await statementsOf(w, async () => {
          streamed = await runOk(shell, `client list --all --format ${format}`);
        });
        t.is(streamed, whole, `${zone} ${format}`);
        t.true(
          statements.some((sql) => sql.includes('COPY (SELECT')),
          `${zone} ${format}: the database wrote the lines`,
        );
      }
    });
  }
});

test.serial('where the database would not write the dates as this process does (a zone it does not know, a POSIX rule), the rows are read one by one', async (t) => {
  const { w } = t.context;
  for (const zone of ['Mars/Olympus_Mons', 'CET-1CEST,M3.5.0,M10.5.0/3']) {
    await inTimeZone(zone, async () => {
      const shell = shellHarness(w.db, w.clock);
      await shell.loginAs('sam@epic.test');
      const whole = await runOk(shell, 'client list --limit 10000 --format csv');
      let streamed = '';
      const statements = await statementsOf(w, async () => {
        streamed = await runOk(shell, 'client list --all --format csv');
      });
      t.is(streamed, whole, zone);
      t.false(
        statements.some((sql) => sql.includes('COPY (SELECT')),
        zone,
      );
      t.true(
        statements.some((sql) => sql.includes('DECLARE epic_export')),
        zone,
      );
    });
  }
});

const CSV = { format: 'csv', color: false, truncate: false } as const;

/** The transaction's time zone and date style. */
async function dateSettings(tx: Tx): Promise<string> {
  const [row] = await selectRows<{ zone: string; style: string }>(tx, "SELECT current_setting('TimeZone') AS zone, current_setting('DateStyle') AS style");
  return `${row.zone} ${row.style}`;
}

/**
 * Every client exported in CSV by the salesperson, the answers the probe expects changed by
 * `change`: the text, whether the database wrote it (COPY), and the transaction's date settings
 * before and after the export.
 */
async function exportWithProbe(w: World, change: (expected: string[]) => void = () => undefined) {
  let text = '';
  const stream = rowStream(CLIENT_FOLLOW_UP_COLUMNS, CSV, { open: () => false, write: (chunk) => void (text += chunk) });
  const copy = stream.copy!;
  const expected = [...copy.probe.expected];
  change(expected);
  let settings = { before: '', after: '' };
  const statements = await statementsOf(w, () =>
    w.as(w.sales, async (s) => {
      const before = await dateSettings(s);
      await eachClientBatch(s, {}, { copy: { ...copy, probe: { ...copy.probe, expected } }, write: (rows) => stream.write(rows as unknown as Row[]) });
      settings = { before, after: await dateSettings(s) };
    }),
  );
  return { text, copied: statements.some((sql) => sql.includes('COPY (SELECT')), ...settings };
}

test.serial('a probe answered otherwise than this process expects (one date an hour off) reads the rows one by one, the same text', async (t) => {
  const { w } = t.context;
  await inTimeZone('Europe/Paris', async () => {
    let changed = false;
    const run = await exportWithProbe(w, (expected) => {
      const first = expected[0];
      expected[0] = first.replace(/ (\d\d):/, (_, hour: string) => ` ${String((Number(hour) + 1) % 24).padStart(2, '0')}:`);
      changed = expected[0] !== first;
    });
    t.true(changed);
    t.false(run.copied);
    const whole = await w.as(w.sales, (s) => listClients(s, { limit: 10000 }));
    t.is(run.text, render({ kind: 'list', columns: CLIENT_FOLLOW_UP_COLUMNS, rows: whole.rows as unknown as Row[], total: whole.rows.length }, CSV));
  });
});

test.serial('the database writes dates in the zone of the process for the export\'s transaction only, and a probe answered otherwise leaves the transaction\'s zone as it was', async (t) => {
  const { w } = t.context;
  await inTimeZone('Asia/Kathmandu', async () => {
    const accepted = await exportWithProbe(w);
    t.true(accepted.copied);
    t.false(accepted.before.startsWith('Asia/Kathmandu'), accepted.before);
    // The day and month order is the server's (MDY, DMY): ISO output does not use it.
    t.true(accepted.after.startsWith('Asia/Kathmandu ISO, '), accepted.after);
    // In the transactions after it, on the connections of the pool, as before.
    for (let i = 0; i < 5; i++) t.is(await w.as(w.sales, (s) => dateSettings(s)), accepted.before);

    const rejected = await exportWithProbe(w, (expected) => (expected[0] = 'not a date'));
    t.false(rejected.copied);
    t.is(rejected.after, rejected.before);
  });
});

test.serial('a write that fails in the middle of the lines stops the export with its error, and the connection is left ready for the next statement', async (t) => {
  const { w } = t.context;
  await inTimeZone('UTC', async () => {
    let writes = 0;
    const stream = rowStream(
      CLIENT_FOLLOW_UP_COLUMNS,
      CSV,
      {
        open: () => false,
        write: () => {
          writes++;
          if (writes === 2) throw new Error('disk full');
        },
      },
    );
    t.truthy(stream.copy, 'the lines are asked of the database');
    await t.throwsAsync(
      w.as(w.sales, (s) => eachClientBatch(s, {}, { copy: stream.copy, write: (rows) => stream.write(rows as unknown as Row[]) })),
      { message: 'disk full' },
    );
    // Written as it was asked: header and first chunk, then the failure; nothing after it.
    t.is(writes, 2);
    const again = await w.as(w.sales, (s) => listClients(s, { limit: 3 }));
    t.is(again.rows.length, 3);
  });
});

/** The lines copyLines writes for `text`, given in pieces cut at `cuts`. */
function linesOf(columns: Column[], csv: boolean, text: string, cuts: number[]): { text: string; count: number } {
  const lines = copyLines(columns, csv, 'UTC');
  let out = '';
  let count = 0;
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    const read = lines.lines(text.slice(from, cut));
    out += read.text;
    count += read.count;
    from = cut;
  }
  lines.end();
  return { text: out, count };
}

test('lines are read whole wherever the text is cut: quoted cells over several lines, doubled quotes, dates in milliseconds', (t) => {
  const columns: Column[] = [
    { key: 'id', header: 'ID', kind: 'number' },
    { key: 'name', header: 'Name' },
    { key: 'phone', header: 'Phone', kind: 'phone' },
    { key: 'signed', header: 'Signed', kind: 'bool' },
    { key: 'at', header: 'At', kind: 'date' },
  ];
  for (const csv of [true, false]) {
    const separator = csv ? ',' : '\t';
    // As COPY writes CSV: a cell with a separator, a quote or a line break quoted, its quotes doubled.
    const text = [
      ['1', 'Plain', 'tel:+33612345678', 'yes', '2026-01-02 03:04'],
      ['2', `"Two\nlines${separator} ""quoted"""`, '', 'no', ''],
      ['3', '=cmd', 'tel:06 12', 'yes', '\u0001-14182940000'],
      ['-4', 'Zoë 日本', '', '', '\u0001Infinity'],
      ['5', '""', '', '', ''],
    ]
      .map((cells) => `${cells.join(separator)}\n`)
      .join('');
    const rows: Row[] = [
      { id: 1, name: 'Plain', phone: '+33612345678', signed: true, at: '2026-01-02 03:04' },
      { id: 2, name: `Two\nlines${separator} "quoted"`, phone: null, signed: false, at: null },
      { id: 3, name: '=cmd', phone: '06 12', signed: true, at: new Date(-14182940000) },
      { id: -4, name: 'Zoë 日本', phone: null, signed: null, at: Infinity },
      { id: 5, name: '', phone: null, signed: null, at: null },
    ];
    const expected = render({ kind: 'list', columns, rows, total: rows.length }, { format: csv ? 'csv' : 'tsv', color: false, truncate: false, continuing: true });
    t.deepEqual(linesOf(columns, csv, text, []), { text: expected, count: 5 });
    for (let cut = 1; cut < text.length; cut++) {
      const read = linesOf(columns, csv, text, [cut]);
      if (read.text !== expected) t.fail(`${csv ? 'csv' : 'tsv'} cut at ${cut}`);
    }
  }
  t.throws(() => linesOf(columns, true, '1,"open', []), { message: /inside a record/ });
});
