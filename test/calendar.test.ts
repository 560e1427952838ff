import fs from 'node:fs';
import path from 'node:path';
import anyTest, { type TestFn } from 'ava';
import ical, { type VEvent } from 'node-ical';
import { QueryTypes } from 'sequelize';
import { availableTo } from '../lib/commands';
import type { ServiceContext } from '../lib/db/context';
import { completeLine } from '../lib/shell/completion';
import { epicUser } from './helpers/epic';
import { runOk, shellHarness, type ShellHarness } from './helpers/shell';
import { tempDir } from './helpers/temp';
import { buildWorld, insertRow, signIn, type World } from './helpers/world';
import { freshDatabase } from './helpers/database';

/**
 * `event list` as an iCalendar file (RFC 5545), parsed back with node-ical, a parser of its own
 * (not the library that writes it): every field, times across both daylight-saving changes of
 * Paris, text that needs escaping and folding, stable UIDs and SEQUENCE, and deleted events
 * written as cancelled.
 */
const test = anyTest as TestFn<{ w: World; calendarId: string }>;

process.env.TZ = 'Europe/Paris';

const HOUR = 3_600_000;
const NOTES = 'Menu: "brunch", no nuts; allergies\\intolerances noted\nSecond line, with accents: crème brûlée, Ærøskøbing, 東京\nA third line long enough to be folded by any writer that respects seventy-five octets';

interface Fixture {
  name: string;
  start: string;
  hours: number;
  location: string;
  notes: string | null;
}

// Each on a signed contract of Sam's client Kevin Casey, run by Paul.
const FIXTURES: Fixture[] = [
  // Saturday 28 March 2026, 23:00 in Paris, to 07:00 on Sunday: clocks go forward at 02:00 that night.
  { name: 'Spring Night, Party; "Forward"', start: '2026-03-28T22:00:00Z', hours: 7, location: 'Quai 9, Nantes; rooftop', notes: NOTES },
  // Saturday 24 October 2026, 22:00 in Paris, to 06:00 on Sunday: clocks go back at 03:00 that night.
  { name: 'Autumn Gala, Back', start: '2026-10-24T20:00:00Z', hours: 9, location: 'Château de Vaux, Maincy', notes: null },
];

test.before(async (t) => {
  const w = (t.context.w = await buildWorld(await freshDatabase()));
  for (const f of FIXTURES) {
    const contract = await insertRow(w.db, 'contracts', { clientId: w.ownClient.id, totalAmount: '4000.00', amountDue: '0.00', signed: true, signedAt: w.clock.now() });
    const startsAt = new Date(f.start);
    await insertRow(w.db, 'events', { name: f.name, contractId: contract.id, supportContactId: w.support.id, startsAt, endsAt: new Date(startsAt.getTime() + f.hours * HOUR), location: f.location, attendees: 120, notes: f.notes });
  }
  const [row] = await w.db.owner.query<{ calendarId: string }>('SELECT "calendarId" FROM installation', { type: QueryTypes.SELECT });
  t.context.calendarId = row.calendarId;
});
test.after.always(async (t) => {
  await t.context.w?.db.drop();
});

/** A VEVENT as node-ical reads it, with the text properties this file writes as plain strings. */
interface Parsed {
  uid: string;
  summary: string;
  location: string;
  description?: string;
  status: string;
  sequence: string | number;
  start: Date & { tz?: string };
  end: Date;
  dtstamp: Date;
  'EPIC-ATTENDEES'?: string;
}

const vevents = (text: string): Parsed[] =>
  Object.values(ical.sync.parseICS(text))
    .filter((c): c is VEvent => c?.type === 'VEVENT')
    .map((v) => v as unknown as Parsed);

async function eventRows(w: World): Promise<Record<string, any>[]> {
  return w.db.owner.query(
    `SELECT e.*, c."fullName" AS client, c.phone, c.email FROM events e JOIN contracts k ON k.id = e."contractId" JOIN clients c ON c.id = k."clientId" WHERE c."salesContactId" = $1 ORDER BY e."startsAt"`,
    { bind: [w.sales.id], type: QueryTypes.SELECT },
  );
}

async function sam(w: World): Promise<ShellHarness> {
  const shell = shellHarness(w.db, w.clock);
  await shell.loginAs('sam@epic.test');
  return shell;
}

test.serial('> events.ics: every event of the selection, every field read back by another parser', async (t) => {
  const { w, calendarId } = t.context;
  const shell = await sam(w);
  const file = path.join(tempDir('ics-'), 'events.ics');
  await runOk(shell, `event list --mine --all > ${file}`);
  t.is(fs.statSync(file).mode & 0o777, 0o600);
  const text = fs.readFileSync(file, 'utf8');
  const stored = await eventRows(w);
  const parsed = vevents(text);
  t.is(parsed.length, stored.length);
  t.true(stored.length >= 3, 'the fixtures and the world\'s Casey Launch Party');
  for (const [i, e] of stored.entries()) {
    const v = parsed[i];
    t.is(v.uid, `event-${e.id}@${calendarId}`);
    t.is(v.summary, e.name);
    t.is(v.location, e.location);
    t.is(v.start.toISOString(), e.startsAt.toISOString());
    t.is(v.end.toISOString(), e.endsAt.toISOString());
    t.is(v.start.tz, 'Europe/Paris');
    t.is(v.status, 'CONFIRMED');
    t.is(Number(v.sequence), e.version);
    t.is(v.dtstamp.toISOString(), '2026-06-01T09:00:00.000Z');
    t.is(v['EPIC-ATTENDEES'], String(e.attendees));
    const description = [`Client: Kevin Casey`, `Phone: ${e.phone}`, `Email: ${e.email}`, `Attendees: ${e.attendees}`, 'Support: Paul Support', 'Sales contact: Sam Sales'].join('\n');
    t.is(v.description, e.notes ? `${description}\n\nNotes:\n${e.notes}` : description);
  }
  t.is(parsed.find((v) => v.summary === FIXTURES[0].name)?.description?.endsWith(NOTES), true, 'quotes, backslash, line breaks, accents and CJK come back as stored');
});

test.serial('times keep their local hour across both daylight-saving changes, with the VTIMEZONE of Paris', async (t) => {
  const { w } = t.context;
  const text = await runOk(await sam(w), 'event list --mine --all --format ics');
  // Local times as written, in the zone dates are shown in.
  t.regex(text, /\r\nDTSTART;TZID=Europe\/Paris:20260328T230000\r\nDTEND;TZID=Europe\/Paris:20260329T070000\r\n/, 'CET to CEST: 8 hours on the clock, 7 elapsed');
  t.regex(text, /\r\nDTSTART;TZID=Europe\/Paris:20261024T220000\r\nDTEND;TZID=Europe\/Paris:20261025T060000\r\n/, 'CEST to CET: 8 hours on the clock, 9 elapsed');
  const vtimezones = text.match(/BEGIN:VTIMEZONE\r\nTZID:Europe\/Paris\r\n[\s\S]*?END:VTIMEZONE/g) ?? [];
  t.is(vtimezones.length, 1, 'one VTIMEZONE for the zone every event names');
  const [zone = ''] = vtimezones;
  t.regex(zone, /BEGIN:DAYLIGHT\r\n(?:.*\r\n)*?TZOFFSETFROM:\+0100\r\nTZOFFSETTO:\+0200\r\n(?:.*\r\n)*?RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU/);
  t.regex(zone, /BEGIN:STANDARD\r\n(?:.*\r\n)*?TZOFFSETFROM:\+0200\r\nTZOFFSETTO:\+0100\r\n(?:.*\r\n)*?RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU/);
  const [spring, autumn] = vevents(text).filter((v) => FIXTURES.some((f) => f.name === v.summary));
  t.is(spring.start.toISOString(), '2026-03-28T22:00:00.000Z');
  t.is(spring.end.getTime() - spring.start.getTime(), 7 * HOUR);
  t.is(autumn.end.getTime() - autumn.start.getTime(), 9 * HOUR);
});

test.serial('text is escaped and folded as RFC 5545 says: CRLF, lines of at most 75 octets, \\, \\; \\n escaped', async (t) => {
  const { w } = t.context;
  const text = await runOk(await sam(w), 'event list --mine --all --format ics');
  t.true(text.endsWith('END:VCALENDAR'), 'the file ends with the calendar');
  t.false(/[^\r]\n/.test(text), 'every line ends with CRLF');
  const lines = text.split('\r\n');
  t.deepEqual(lines.filter((line) => Buffer.byteLength(line) > 75), [], 'no line longer than 75 octets');
  // Unfolded (a CRLF followed by a space is removed), the properties read escaped.
  const unfolded = text.replace(/\r\n /g, '');
  t.true(unfolded.includes('\r\nSUMMARY:Spring Night\\, Party\\; "Forward"\r\n'));
  t.true(unfolded.includes('\r\nLOCATION:Quai 9\\, Nantes\\; rooftop\r\n'));
  t.true(unfolded.includes('Notes:\\nMenu: "brunch"\\, no nuts\\; allergies\\\\intolerances noted\\nSecond line\\, with accents: crème brûlée\\, Ærøskøbing\\, 東京\\nA third'));
  // Folding never cuts a character in two: every folded line is valid UTF-8 on its own.
  for (const line of lines) t.is(Buffer.from(line, 'utf8').toString('utf8'), line);
  t.true(lines.some((line) => line.startsWith(' ')), 'the long description was folded');
});

test.serial('re-exported after a change: the same UID with a higher SEQUENCE; a deleted event comes back cancelled', async (t) => {
  const { w } = t.context;
  const shell = await sam(w);
  const before = vevents(await runOk(shell, 'event list --mine --all --format ics'));
  const autumn = before.find((v) => v.summary === FIXTURES[1].name)!;
  await runOk(shell, `event update ${FIXTURES[1].name} --attendees 150`);
  const changed = vevents(await runOk(shell, 'event list --mine --all --format ics')).find((v) => v.uid === autumn.uid)!;
  t.is(Number(changed.sequence), Number(autumn.sequence) + 1);
  t.regex(changed.description!, /Attendees: 150/);

  await runOk(shell, `event delete ${FIXTURES[1].name} --yes`);
  const after = vevents(await runOk(shell, 'event list --mine --all --format ics'));
  const cancelled = after.find((v) => v.uid === autumn.uid)!;
  t.like(cancelled, { status: 'CANCELLED', summary: FIXTURES[1].name, location: FIXTURES[1].location });
  t.is(cancelled.start.toISOString(), autumn.start.toISOString());
  t.true(Number(cancelled.sequence) > Number(changed.sequence), 'a higher SEQUENCE than the event ever had');
  t.is(after.filter((v) => v.status === 'CONFIRMED').length, before.length - 1);

  // The same filters select deleted events as live ones.
  const other = vevents(await runOk(shell, 'event list --client Élodie Durand --all --format ics'));
  t.false(other.some((v) => v.uid === autumn.uid), 'another client');
  t.false(vevents(await runOk(shell, 'event list --mine --past --all --format ics')).some((v) => v.uid === autumn.uid), 'not over yet');
  const pia = shellHarness(w.db, w.clock);
  await pia.loginAs('pia@epic.test');
  t.false(vevents(await runOk(pia, 'event list --mine --all --format ics')).some((v) => v.uid === autumn.uid), 'Paul ran it, not Pia');
  const paul = shellHarness(w.db, w.clock);
  await paul.loginAs('paul@epic.test');
  t.true(vevents(await runOk(paul, 'event list --mine --all --format ics')).some((v) => v.uid === autumn.uid && v.status === 'CANCELLED'), 'Paul learns it is cancelled');
});

test.serial('--limit counts events as lists do; the same note says what was left out', async (t) => {
  const { w } = t.context;
  const shell = await sam(w);
  const text = await runOk(shell, 'event list --mine --limit 1 --format ics');
  t.is(vevents(text).filter((v) => v.status === 'CONFIRMED').length, 1);
  t.regex(shell.stderr.text(), /showing 1 of \d+/);
});

test.serial('only events make a calendar: other lists, shows and appending are refused before anything runs', async (t) => {
  const { w } = t.context;
  const shell = await sam(w);
  const folder = tempDir('ics-refused-');
  const refused = async (line: string, message: RegExp) => {
    shell.stderr.clear();
    t.is(await shell.run(line), 2, line);
    t.regex(shell.stderr.text(), message, line);
  };
  await refused('client list --format ics', /"client list" cannot write an iCalendar \(ics\) file: a calendar holds events; use event list/);
  await refused(`contract list > ${path.join(folder, 'contracts.ics')}`, /"contract list" cannot write an iCalendar/);
  await refused('event show Casey Launch Party --format ics', /"event show" cannot write an iCalendar/);
  await refused('agenda --format ics', /"agenda" cannot write an iCalendar/);
  await refused(`event list --format csv > ${path.join(folder, 'events.ics')}`, /is a ICS file name but --format csv was given/);
  await refused(`event list >> ${path.join(folder, 'events.ics')}`, /cannot append to .*: a calendar file holds one document/);
  await refused(`event list > ${path.join(folder, 'events.txt')}`, /cannot tell which format to write to .*events\.txt: name it \.csv, \.tsv, \.json, \.jsonl or \.ics, or give --format/);
  t.deepEqual(fs.readdirSync(folder), [], 'no file was created');
  shell.stderr.clear();
  await shell.run('event list --help');
  t.regex(shell.stderr.text(), /--format <table\|tsv\|csv\|json\|jsonl\|ics>/);
  shell.stderr.clear();
  await shell.run('client list --help');
  t.regex(shell.stderr.text(), /--format <table\|tsv\|csv\|json\|jsonl>\]/);
});

test('Tab offers ics as a format only where a calendar can be written', async (t) => {
  const { w } = t.context;
  const source = { read: <T>(work: (tx: ServiceContext) => Promise<T>) => w.as(w.sales, work), commands: () => availableTo('sales') };
  t.deepEqual(await completeLine(source, 'event list --format i', 1), { line: 'event list --format ics ' });
  t.deepEqual(await completeLine(source, 'client list --format i', 1), {});
  t.deepEqual(await completeLine(source, 'client list --format j', 1), { line: 'client list --format json' });
});

test.serial('where TZ is UTC, times are written in UTC without a VTIMEZONE', async (t) => {
  const { w } = t.context;
  process.env.TZ = 'UTC';
  try {
    const text = await runOk(await sam(w), 'event list --mine --all --format ics');
    t.false(text.includes('VTIMEZONE'));
    t.regex(text, /\r\nDTSTART:20260328T220000Z\r\nDTEND:20260329T050000Z\r\n/);
    t.is(vevents(text).find((v) => v.summary === FIXTURES[0].name)?.start.toISOString(), '2026-03-28T22:00:00.000Z');
  } finally {
    process.env.TZ = 'Europe/Paris';
  }
});

test.serial('through the real epic binary: event list --format ics, parsed back', async (t) => {
  const { w, calendarId } = t.context;
  const paul = epicUser(w.db.url);
  await signIn(paul, w.db, w.support.id);
  const result = await paul.run(['event', 'list', '--mine', '--all', '--format', 'ics']);
  t.is(result.code, 0, result.stderr);
  const parsed = vevents(result.stdout);
  const spring = parsed.find((v) => v.summary === FIXTURES[0].name)!;
  t.regex(spring.uid, new RegExp(`^event-\\d+@${calendarId}$`));
  t.is(spring.start.toISOString(), FIXTURES[0].start.replace('Z', '.000Z'));
  t.regex(result.stdout, /DTSTART;TZID=Europe\/Paris:20260328T230000/, 'the binary writes in the TZ of its environment');
  const refused = await paul.run(['client', 'list', '--format', 'ics']);
  t.is(refused.code, 2);
  t.regex(refused.stderr, /cannot write an iCalendar/);
});
