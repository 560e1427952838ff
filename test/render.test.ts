import test from 'ava';
import stringWidth from 'string-width';
import { CLIENT_COLUMNS, EVENT_COLUMNS } from '../lib/output/columns';
import { listNote, render, type Column, type Rendered, type Row } from '../lib/output/render';
import { cellText, safeText } from '../lib/output/safe-text';
import { rowStream } from '../lib/output/stream';

/**
 * The table layout for a terminal, measured independently of the code under test: string-width
 * gives each line's display width (CJK and emoji count two).
 */

const created = new Date('2026-03-01T10:00:00Z');
const client = (id: number, fullName: string, more: Partial<Row> = {}): Row => ({
  id,
  fullName,
  email: `${fullName.toLowerCase().replace(/\W+/g, '.')}@a-rather-long-company-domain.example`,
  phone: '+33612345678',
  companyName: 'Établissements Généraux de la Côte',
  salesContact: 'Sonia Salesperson-Longname',
  createdAt: created,
  updatedAt: created,
  ...more,
});

const list = (rows: Row[]): Rendered => ({ kind: 'list', columns: CLIENT_COLUMNS, rows, total: rows.length });
const onTerminal = (width: number) => ({ format: 'table' as const, color: false, truncate: true, width });
const lines = (text: string) => text.trimEnd().split('\n');
const widest = (text: string) => Math.max(...lines(text).map((line) => stringWidth(line)));

const rows = [
  client(1, 'Kevin Casey'),
  client(2, '東京イベント株式会社 山田太郎'),
  client(3, 'Zoé 🎉 Party Planner'),
  client(48, 'Jean-Baptiste Marie de la Fontaine-Dupont'),
];

test('at 80 columns a client list fits without wrapping, keeping id and name', (t) => {
  const text = render(list(rows), onTerminal(80));
  t.true(widest(text) <= 80, text);
  const [header] = lines(text);
  t.regex(header, /^ID {2}Name/);
  t.true(text.includes('Kevin Casey'));
  t.true(text.includes('東京イベント株式会社 山田太郎'), 'a CJK name is measured in columns, not characters');
  t.true(text.includes('Jean-Baptiste Marie de la Fontaine-Dupont'), 'names are kept whole: columns drop first');
});

test('at 100 columns a one-row table is never wider than 100', (t) => {
  for (const row of rows) {
    const text = render(list([row]), onTerminal(100));
    t.true(widest(text) <= 100, text);
    t.is(lines(text).length, 2, 'one header line and one row: no wrapped lines');
  }
});

test('every width from 40 to 160 fits; the widest text shrinks before columns leave', (t) => {
  for (let width = 40; width <= 160; width++) {
    const text = render(list(rows), onTerminal(width));
    t.true(widest(text) <= width, `width ${width}:\n${text}`);
  }
  const wide = lines(render(list(rows), onTerminal(160)))[0];
  t.regex(wide, /Email.*Phone.*Company/);
  const narrower = lines(render(list(rows), onTerminal(130)))[0];
  t.regex(narrower, /Email/, 'at 130 the email column only narrows');
});

test('dates take their compact form when space is short', (t) => {
  const events: Rendered = {
    kind: 'list',
    columns: EVENT_COLUMNS,
    rows: [{ id: 7, name: 'Casey Launch Party', contractId: 3, client: 'Kevin Casey', supportContact: 'Paul Support', startsAt: created, endsAt: created, location: 'Lyon', attendees: 50, notes: 'Vegan buffet\nDJ at 22:00' }],
    total: 1,
  };
  const wide = render(events, onTerminal(160));
  t.regex(wide, /2026-03-01 \d\d:00/);
  t.false(wide.includes('\nDJ'), 'a note keeps to its row');
  const narrow = render(events, onTerminal(60));
  t.true(widest(narrow) <= 60, narrow);
  t.regex(narrow, / 26-03-01 \d\d:00/);
  t.notRegex(narrow, /2026-03-01/);
});

test('a row that cannot fit is shown as a record, not as a broken table', (t) => {
  const text = render(list([client(48, 'Jean-Baptiste Marie de la Fontaine-Dupont')]), onTerminal(20));
  t.regex(text, /^ID +48$/m);
  t.regex(text, /^Name +Jean-Baptiste Marie de la Fontaine-Dupont$/m);
  t.regex(text, /^Email +jean\.baptiste/m);
});

test('off a terminal nothing is cut or dropped', (t) => {
  const text = render(list(rows), { format: 'table', color: false, truncate: false });
  t.true(text.includes('a-rather-long-company-domain.example'));
  t.regex(lines(text)[0], /Last update$/);
});

// ----- TSV and CSV written by hand, held to csv-stringify and date-fns ------------------------

const TRICKY = [
  '', 'plain', 'a,b', 'say "hi"', '"', 'line\nbreak', 'cr\rhere', 'tab\there', '=1+1', '+33', '-5', '@SUM(A1)', '\tlead', '\rlead',
  '＝1', '＋1', '－1', '＠x', "'", 'é, "ü"\n', ' =x', '-', ',', '\u202eevil', '\x1b[31mred', 'emoji 👍🏽', '中文,字', '""', 'a\r\nb',
];
// Text after a separator followed by a formula character gets its own quote (tested below).
const oracleValues = TRICKY.filter((v) => !/[,;|\t\uff0c\uff1b]\s*[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/.test(v));

test('TSV and CSV lines are what csv-stringify writes with escape_formulas: formula cells, quoting, line ends', async (t) => {
  const { stringify } = await import('csv-stringify/sync');
  const columns = [
    { key: 'a', header: 'A' },
    { key: 'b', header: 'B' },
  ];
  // Every value in both columns, next to every other.
  const pairs = oracleValues.flatMap((a) => oracleValues.map((b) => ({ a, b })));
  const data: Rendered = { kind: 'list', columns, rows: pairs, total: pairs.length };
  const csvCells = pairs.map(({ a, b }) => [safeText(a, { multiline: true }), safeText(b, { multiline: true })]);
  // quote_record_delimiter: a line feed inside a field is quoted (RFC 4180). csv-stringify leaves
  // it out when the record delimiter is given, as it was here, which left notes unquoted.
  const rfc = { record_delimiter: '\r\n', quote_record_delimiter: true, escape_formulas: true };
  t.is(render(data, { format: 'csv', color: false, truncate: false }), stringify([['a', 'b'], ...csvCells], rfc));
  const tsvCells = pairs.map(({ a, b }) => [cellText(a), cellText(b)]);
  t.is(render(data, { format: 'tsv', color: false, truncate: false }), stringify([['a', 'b'], ...tsvCells], { delimiter: '\t', quote: false, record_delimiter: '\n', escape_formulas: true }));
  const one = (a: string) => render({ kind: 'list', columns: [columns[0]], rows: [{ a }], total: 1 }, { format: 'csv', color: false, truncate: false }).split('\r\n')[1];
  t.is(one('=1+1'), "'=1+1");
  t.is(one('say "hi", =x'), '"say ""hi"", \'=x"');
  t.is(one('Dupont;=1+1'), "Dupont;'=1+1");
  t.is(one('line\nbreak'), '"line\nbreak"');
});

test('phones, numbers and dates: those no rule changes are written as they are, the others still go through the rules', (t) => {
  const cell = (column: Column, value: unknown) => render({ kind: 'list', columns: [column], rows: [{ v: value }], total: 1 }, { format: 'csv', color: false, truncate: false }).split('\r\n')[1];
  const phone = { key: 'v', header: 'Phone', kind: 'phone' as const };
  t.is(cell(phone, '+33612345678'), 'tel:+33612345678');
  t.is(cell(phone, '+336\u202e12'), 'tel:+336\\u202e12');
  t.is(cell(phone, '+33,6'), '"tel:+33,6"');
  const number = { key: 'v', header: 'N', kind: 'number' as const };
  t.is(cell(number, 42), '42');
  t.is(cell(number, 0), '0');
  t.is(cell(number, -5), "'-5");
  t.is(cell({ key: 'v', header: 'At', kind: 'date' }, new Date(2026, 11, 24, 18, 30)), '2026-12-24 18:30');
});

test('dates are written in local time as date-fns formats them, compact ones too', async (t) => {
  const { format } = await import('date-fns');
  const columns = [{ key: 'at', header: 'At', kind: 'date' as const }];
  for (const at of [new Date(2026, 0, 1, 0, 0), new Date(2026, 11, 31, 23, 59), new Date(999, 5, 9, 7, 5), new Date(Date.UTC(2026, 2, 29, 1, 30))]) {
    const tsv = render({ kind: 'list', columns, rows: [{ at }], total: 1 }, { format: 'tsv', color: false, truncate: false });
    t.is(tsv, `at\n${format(at, 'yyyy-MM-dd HH:mm')}\n`);
    // A table too narrow for the long form shows the compact one.
    const table = render({ kind: 'list', columns: [{ key: 'id', header: 'Id' }, ...columns], rows: [{ id: 1, at }], total: 1 }, { format: 'table', color: false, truncate: true, width: 18 });
    t.true(table.includes(format(at, 'yy-MM-dd HH:mm')), table);
  }
});

test('a list written batch by batch is the same text as the whole list, header once, formula cells included', async (t) => {
  const rows = TRICKY.map((fullName, id) => client(id, fullName, { companyName: `=cmd|'/c calc'!A${id}`, phone: id % 2 ? '+33612345678' : '-1' }));
  for (const format of ['csv', 'tsv', 'jsonl'] as const) {
    for (const continuing of [false, true]) {
      const target = { format, color: false, truncate: false, continuing };
      let text = '';
      const stream = rowStream(CLIENT_COLUMNS, target, { open: () => continuing, write: (chunk) => void (text += chunk) });
      for (let i = 0; i < rows.length; i += 4) await stream.write(rows.slice(i, i + 4));
      await stream.finish();
      t.is(text, render(list(rows), target), `${format}${continuing ? ' appended' : ''}`);
      t.is(stream.rows, rows.length);
    }
    let empty = '';
    const none = rowStream(CLIENT_COLUMNS, { format, color: false, truncate: false }, { open: () => false, write: (chunk) => void (empty += chunk) });
    await none.finish();
    t.is(empty, render(list([]), { format, color: false, truncate: false }), `${format}, no rows`);
  }
});

test('a list says how many rows match, or "1,000+" when it stopped counting', (t) => {
  const page = Array.from({ length: 30 }, (_, i) => client(i, `Client ${i}`));
  t.is(listNote({ kind: 'list', columns: CLIENT_COLUMNS, rows: page, total: 1000, atLeast: true }), 'showing 30 of 1,000+ (--limit <n> or --all for more)');
  t.is(listNote({ kind: 'list', columns: CLIENT_COLUMNS, rows: page, total: 400 }), 'showing 30 of 400 (--limit <n> or --all for more)');
  t.is(listNote({ kind: 'list', columns: CLIENT_COLUMNS, rows: page, total: 30 }), undefined);
});
