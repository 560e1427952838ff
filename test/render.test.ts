import test from 'ava';
import stringWidth from 'string-width';
import { CLIENT_COLUMNS, EVENT_COLUMNS } from '../lib/output/columns';
import { render, type Rendered, type Row } from '../lib/output/render';

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
