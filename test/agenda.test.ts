import anyTest, { type TestFn } from 'ava';
import { agendaOf, type Agenda, type AgendaSection } from '../lib/services/agenda';
import { vorpalEditor } from '../lib/shell/line-editor';
import { createShell } from '../lib/shell/repl';
import { testApp } from './helpers/app';
import { epicUser } from './helpers/epic';
import { runOk, shellHarness } from './helpers/shell';
import { memoryIO } from './helpers/io';
import { freshDatabase } from './helpers/database';
import { buildWorld, insertRow, PASSWORD, signIn, type World } from './helpers/world';

/**
 * The agenda of each role on a small company (the test world, on Monday 1 June 2026 at 11:00 in
 * Paris, plus the events below): the data the service returns, what the shell prints on an
 * 80-column terminal, the JSON for scripts, and the agenda shown once after login.
 */
const test = anyTest as TestFn<{ w: World }>;

process.env.TZ = 'Europe/Paris';


const HOUR = 3_600_000;

async function signedContract(w: World, clientId: number, due = '0.00'): Promise<number> {
  const row = await insertRow(w.db, 'contracts', { clientId, totalAmount: '4000.00', amountDue: due, signed: true, signedAt: w.clock.now() });
  return row.id as number;
}

async function event(w: World, name: string, contractId: number, supportContactId: number | null, start: string, notes: string | null = null): Promise<void> {
  const startsAt = new Date(start);
  await insertRow(w.db, 'events', { name, contractId, supportContactId, startsAt, endsAt: new Date(startsAt.getTime() + 3 * HOUR), location: 'Le Grand Café, Lyon', attendees: 40, notes });
}

test.before(async (t) => {
  const w = (t.context.w = await buildWorld(await freshDatabase()));
  // Today at 15:00 in Paris, Paul runs it; Sam's client.
  await event(w, 'Casey Breakfast', w.ownSignedFree.id, w.support.id, '2026-06-01T13:00:00Z', 'Vegan menu; two microphones');
  // Wednesday, nobody runs it yet; Sonia's client.
  await event(w, 'Durand Rehearsal', w.otherSignedFree.id, null, '2026-06-03T08:00:00Z');
  // In ten days: outside the default window of today and the next 7 days.
  await event(w, 'Casey Seminar', await signedContract(w, w.ownClient.id), w.support.id, '2026-06-11T07:00:00Z');
  // Already over this morning: not upcoming any more.
  await event(w, 'Casey Early Call', await signedContract(w, w.ownClient.id), w.support.id, '2026-06-01T03:00:00Z');
  // Olivia was contacted last week: no follow-up due; Kevin never was.
  await w.db.owner.query(`INSERT INTO client_contacts ("clientId", "collaboratorId", "at", note) VALUES ($1, $2, '2026-05-25T10:00:00Z', 'Called')`, { bind: [w.ownProspect.id, w.sales.id] });
});
test.after.always(async (t) => {
  await t.context.w?.db.drop();
});

// What the agendas hold on this world (and this file's events), in their order. The counts the
// shell and JSON show are these lists' lengths: each is under the five rows a section shows.
/** Paul's events from now to the end of the seventh day (with --days 0, the same). */
const PAUL_NEXT_EVENTS = ['Casey Breakfast'];
/** Sam's clients' events in the next 30 days. */
const SAM_NEXT_30_DAYS = ['Casey Breakfast', 'Casey Seminar', 'Casey Launch Party'];
/** Every event of this week, Monday to Sunday, over or not. */
const THIS_WEEK = ['Casey Early Call', 'Casey Breakfast', 'Durand Rehearsal'];
/** Sam's clients not contacted for 30 days (Olivia was, last week). */
const SAM_NOT_CONTACTED = ['Kevin Casey'];
/** Sam's signed contracts, 2,500.00 € due on each: this file's own are paid in full. */
const samsDue = (w: World) => [w.ownSigned, w.ownSignedFree];
/** Every unsigned contract of the world: Sam's one and Sonia's one. */
const unsignedOf = (w: World) => [w.ownUnsigned, w.otherUnsigned];
/** The rows a section shows. */
const SHOWN = 5;

const of = (agenda: Agenda, key: AgendaSection['key']) => agenda.sections.find((s) => s.key === key)!;
const names = (section: AgendaSection) => section.rows.map((row) => ('name' in row ? row.name : 'fullName' in row ? row.fullName : `#${row.id}`));

test('support: my next events, today first, with the client phone, attendees and notes', async (t) => {
  const { w } = t.context;
  const agenda = await w.as(w.support, (ctx) => agendaOf(ctx));
  t.deepEqual(agenda.sections.map((s) => s.key), ['upcoming']);
  const upcoming = of(agenda, 'upcoming');
  t.deepEqual(names(upcoming), PAUL_NEXT_EVENTS);
  t.is(upcoming.total, PAUL_NEXT_EVENTS.length);
  t.like(upcoming.rows[0], { clientPhone: '+33612345678', attendees: 40, location: 'Le Grand Café, Lyon', notes: 'Vegan menu; two microphones' });
  t.is(agenda.until.toISOString(), '2026-06-08T22:00:00.000Z', 'today and the next 7 days: up to local midnight');

  const longer = await w.as(w.support, (ctx) => agendaOf(ctx, { days: 10 }));
  t.deepEqual(names(of(longer, 'upcoming')), ['Casey Breakfast', 'Casey Seminar']);
  t.deepEqual(names(of(await w.as(w.otherSupport, (ctx) => agendaOf(ctx, { days: 100 })), 'upcoming')), ['Durand Wedding'], 'only the events they run');
});

test("sales: my clients' events, unsigned contracts, amounts due, clients to follow up", async (t) => {
  const { w } = t.context;
  const agenda = await w.as(w.sales, (ctx) => agendaOf(ctx, { days: 30 }));
  t.deepEqual(agenda.sections.map((s) => s.key), ['upcoming', 'unsigned', 'due', 'notContacted']);
  t.deepEqual(names(of(agenda, 'upcoming')), SAM_NEXT_30_DAYS);
  t.deepEqual(names(of(agenda, 'unsigned')), [`#${w.ownUnsigned.id}`]);
  const due = of(agenda, 'due');
  t.deepEqual(names(due), samsDue(w).map((c) => `#${c.id}`));
  t.is(due.key === 'due' && due.amountDue, '5000.00');
  t.deepEqual(names(of(agenda, 'notContacted')), SAM_NOT_CONTACTED);
});

test('management: events without support, unsigned contracts, total due, events this week', async (t) => {
  const { w } = t.context;
  const agenda = await w.as(w.manager, (ctx) => agendaOf(ctx));
  t.deepEqual(agenda.sections.map((s) => s.key), ['unassigned', 'unsigned', 'due', 'thisWeek']);
  t.deepEqual(names(of(agenda, 'unassigned')), ['Durand Rehearsal'], 'the past Durand Gala is not upcoming');
  t.deepEqual(names(of(agenda, 'unsigned')), unsignedOf(w).map((c) => `#${c.id}`));
  const due = of(agenda, 'due');
  // The world's signed contracts, 2,500.00 € due on each: Sam's two, and Sonia's two and the
  // Durand Gala's (which World does not keep); this file's own are paid in full.
  t.is(due.total, 5, 'every signed contract with an amount due, of every salesperson');
  t.is(due.key === 'due' && due.amountDue, '12500.00');
  t.deepEqual(names(of(agenda, 'thisWeek')), THIS_WEEK, 'Monday to Sunday, over or not');
});

test.serial('a section shows five rows and counts them all', async (t) => {
  const { w } = t.context;
  const agenda = await w.as(w.manager, (ctx) => agendaOf(ctx, { days: 0 }));
  t.is(agenda.until.toISOString(), '2026-06-01T22:00:00.000Z', '--days 0: today only');
  const contracts = await Promise.all(Array.from({ length: 6 }, () => insertRow(w.db, 'contracts', { clientId: w.otherClient.id, totalAmount: '100.00', amountDue: '100.00', signed: false })));
  try {
    const unsigned = of(await w.as(w.manager, (ctx) => agendaOf(ctx)), 'unsigned');
    t.is(unsigned.total, unsignedOf(w).length + contracts.length);
    t.is(unsigned.rows.length, SHOWN);
  } finally {
    await w.db.owner.query(`DELETE FROM contracts WHERE id IN (${contracts.map((c) => c.id).join(', ')})`);
  }
});

const lines = (text: string) => text.trimEnd().split('\n');
const widest = (text: string) => Math.max(...lines(text).map((line) => [...line].length));

test.serial('on an 80-column terminal: a heading, each section with its count, no line wider than 80', async (t) => {
  const { w } = t.context;
  for (const email of ['paul@epic.test', 'sam@epic.test', 'maud@epic.test']) {
    const shell = shellHarness(w.db, w.clock, { terminal: true, columns: 80 });
    await shell.loginAs(email);
    const out = await runOk(shell, 'agenda --days 30');
    t.true(widest(out) <= 80, `${email}:\n${out}`);
    t.deepEqual(lines(out).slice(1, 2), ['Upcoming events: today and the next 30 days, to Wed 1 Jul']);
    t.regex(lines(out)[0], /^Agenda of .+ · Mon 1 Jun 2026 11:00$/);
  }
  const sam = shellHarness(w.db, w.clock, { terminal: true, columns: 80 });
  await sam.loginAs('sam@epic.test');
  const out = await runOk(sam, 'agenda --days 30');
  t.regex(out, new RegExp(String.raw`My clients' upcoming events \(${SAM_NEXT_30_DAYS.length}\)\nWhen +Event +Client +Support +Where *\n2026-06-01 15:00 +Casey Breakfast +Kevin Casey +Paul Support +Le Grand Café,… *\n`));
  // Sam's one unsigned contract (the sales test above).
  t.regex(out, /My unsigned contracts \(1\)\nID +Client +Total € +Due € +Created *\n +\d+ +Kevin Casey +10000.00 +2500.00 /);
  t.regex(out, /My unsigned contracts \(1\)\n/);
  t.regex(out, new RegExp(String.raw`Amounts due on my signed contracts \(${samsDue(w).length}\)  5,000.00 € still due\n`));
  t.regex(out, new RegExp(String.raw`Clients not contacted for 30 days \(${SAM_NOT_CONTACTED.length}\)\nClient +Phone +Email +Last contact *\nKevin Casey +\+33612345678 +kevin@startup.test +—`));

  const paul = shellHarness(w.db, w.clock, { terminal: true, columns: 80 });
  await paul.loginAs('paul@epic.test');
  t.regex(await runOk(paul, 'agenda --days 0'), new RegExp(String.raw`My next events \(${PAUL_NEXT_EVENTS.length}\)\nWhen +Event +Where +Phone +Guests +Notes *\n2026-06-01 15:00 +Casey Breakfast +Le Grand … +\+33612345678 +40 +Vegan menu…\n`), 'the widest texts shrink to fit 80 columns');
});

test.serial('more rows than shown: the count, and the command that lists them all', async (t) => {
  const { w } = t.context;
  const contracts = await Promise.all(Array.from({ length: 6 }, () => insertRow(w.db, 'contracts', { clientId: w.otherClient.id, totalAmount: '100.00', amountDue: '100.00', signed: false })));
  try {
    const maud = shellHarness(w.db, w.clock, { terminal: true, columns: 80 });
    await maud.loginAs('maud@epic.test');
    const out = await runOk(maud, 'agenda');
    const unsigned = unsignedOf(w).length + contracts.length;
    // A header line, then the rows shown.
    t.regex(out, new RegExp(String.raw`Unsigned contracts \(${unsigned}\)\n(?:[^\n]+\n){${1 + SHOWN}}… ${unsigned - SHOWN} more: contract list --unsigned\n`));
    t.regex(out, new RegExp(String.raw`Events this week \(${THIS_WEEK.length}\)`));
  } finally {
    await w.db.owner.query(`DELETE FROM contracts WHERE id IN (${contracts.map((c) => c.id).join(', ')})`);
  }
});

test.serial('--format json: one object, each section with its total and rows, dates in UTC', async (t) => {
  const { w } = t.context;
  const sam = shellHarness(w.db, w.clock);
  await sam.loginAs('sam@epic.test');
  const agenda = JSON.parse(await runOk(sam, 'agenda --format json --days 30'));
  t.like(agenda, { collaborator: 'Sam Sales', role: 'sales', days: 30, now: '2026-06-01T09:00:00.000Z', until: '2026-07-01T22:00:00.000Z' });
  t.deepEqual(Object.keys(agenda), ['collaborator', 'role', 'now', 'until', 'days', 'upcoming', 'unsigned', 'due', 'notContacted']);
  t.is(agenda.upcoming.total, SAM_NEXT_30_DAYS.length);
  t.deepEqual(agenda.upcoming.rows[0], { name: 'Casey Breakfast', startsAt: '2026-06-01T13:00:00.000Z', client: 'Kevin Casey', supportContact: 'Paul Support', location: 'Le Grand Café, Lyon' });
  t.like(agenda.due, { total: samsDue(w).length, amountDue: '5000.00' });
  t.deepEqual(agenda.notContacted.rows, [{ fullName: 'Kevin Casey', phone: '+33612345678', email: 'kevin@startup.test', lastContactAt: null }]);
  t.is(await sam.run('agenda --days 400'), 1);
  t.regex(sam.stderr.text(), /days/);
});

test.serial('the shell shows the agenda once after login, and not with EPIC_AGENDA=off', async (t) => {
  const { w } = t.context;
  const shellWith = (env: Record<string, string>) => {
    const { io, stdout: out, stderr: err } = memoryIO({ terminal: true, stderrTerminal: false, columns: 80 });
    const prompt = { interactive: true, ask: async () => '', askSecret: async () => PASSWORD, confirm: async () => false };
    const editor = { ...vorpalEditor(io), ...prompt };
    const shell = createShell(testApp(w.db, w.clock, { env }), editor, io);
    return { shell, out, err };
  };
  const on = shellWith({});
  await on.shell.handlers.line('login paul@epic.test');
  t.regex(on.err.text(), /Logged in as Paul Support/);
  t.regex(on.out.text(), new RegExp(String.raw`^Agenda of Paul Support \(support\)[^\n]*\n[^\n]+\n\nMy next events \(${PAUL_NEXT_EVENTS.length}\)`));
  on.out.clear();
  await on.shell.handlers.line('whoami');
  await on.shell.handlers.line('event list --mine');
  t.notRegex(on.out.text(), /Agenda of/, 'once: not after the next commands');
  await on.shell.handlers.line('logout');
  await on.shell.handlers.line('login sam@epic.test');
  t.regex(on.out.text(), /Agenda of Sam Sales \(sales\)/, 'after each login');
  on.out.clear();
  await on.shell.handlers.line('login nobody@epic.test');
  t.notRegex(on.out.text(), /Agenda of/, 'not after a refused login');

  const off = shellWith({ EPIC_AGENDA: 'off' });
  await off.shell.handlers.line('login paul@epic.test');
  t.regex(off.err.text(), /Logged in as Paul Support/);
  t.is(off.out.text(), '');
  t.throws(() => testApp(w.db, w.clock, { env: { EPIC_AGENDA: 'maybe' } }), { message: /EPIC_AGENDA \(set in the environment\) must be on or off, not "maybe"/ });
});

test.serial('through the real epic binary: agenda as JSON for a script', async (t) => {
  const { w } = t.context;
  // The binary runs on the real clock: an event of Paul's tomorrow.
  const tomorrow = new Date(Math.floor((Date.now() + 24 * HOUR) / 60_000) * 60_000);
  await event(w, 'Binary Brunch', await signedContract(w, w.ownClient.id), w.support.id, tomorrow.toISOString(), 'Gluten-free');
  const paul = epicUser(w.db.url);
  await signIn(paul, w.db, w.support.id);
  const result = await paul.run(['agenda', '--format', 'json', '--days', '2']);
  t.is(result.code, 0, result.stderr);
  const agenda = JSON.parse(result.stdout);
  t.like(agenda, { collaborator: 'Paul Support', role: 'support', days: 2 });
  // Its one event in the next two days: the others are dated around the world's clock, 1 June 2026.
  const next = [{ startsAt: tomorrow.toISOString(), name: 'Binary Brunch', location: 'Le Grand Café, Lyon', clientPhone: '+33612345678', attendees: 40, notes: 'Gluten-free' }];
  t.deepEqual(agenda.upcoming.rows, next);
  const table = await paul.run(['agenda', '--format', 'table', '--days', '2']);
  t.regex(table.stdout, new RegExp(String.raw`My next events \(${next.length}\)`));
});
