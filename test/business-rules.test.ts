import anyTest, { type TestFn } from 'ava';
import { Conflict, NotFound, ValidationError } from '../lib/errors';
import * as clients from '../lib/services/clients';
import * as collaborators from '../lib/services/collaborators';
import * as contracts from '../lib/services/contracts';
import * as events from '../lib/services/events';
import { Client, Collaborator, Contract, Event } from '../models';
import { freshDatabase } from './helpers/database';
import { buildWorld, insertCollaborator, insertRow, PASSWORD, sessionRunner, snapshot, type World } from './helpers/world';

/** Business rules beyond the permission table, through the services. */
const test = anyTest as TestFn<{ w: World }>;

test.before(async (t) => {
  t.context.w = await buildWorld(await freshDatabase());
});
test.after.always(async (t) => {
  await t.context.w?.db.drop();
});

async function refusedUnchanged(t: import('ava').ExecutionContext<{ w: World }>, work: () => Promise<unknown>, expected: { instanceOf: new (...args: never[]) => Error; message?: RegExp }) {
  const before = await snapshot();
  await t.throwsAsync(work, expected);
  t.is(await snapshot(), before, 'nothing changed');
}

test.serial('an event only for a signed contract of one of my clients, one per contract', async (t) => {
  const { w } = t.context;
  const base = { name: 'Rule Test', start: '2026-09-01 10:00', end: '2026-09-01 18:00', location: 'Paris', attendees: '10' };
  await refusedUnchanged(t, () => w.as(w.sales, (ctx) => events.createEvent(ctx, { ...base, contract: String(w.ownUnsigned.id) })), { instanceOf: ValidationError, message: /not signed yet/ });
  await refusedUnchanged(t, () => w.as(w.sales, (ctx) => events.createEvent(ctx, { ...base, contract: String(w.ownSigned.id) })), { instanceOf: ValidationError, message: /already has an event/ });
  await refusedUnchanged(t, () => w.as(w.sales, (ctx) => events.createEvent(ctx, { ...base, contract: String(w.ownSignedFree.id), name: 'casey launch PARTY' })), { instanceOf: ValidationError, message: /already exists/ });
  await refusedUnchanged(t, () => w.as(w.sales, (ctx) => events.createEvent(ctx, { ...base, contract: String(w.ownSignedFree.id), end: '2026-09-01 09:00' })), { instanceOf: ValidationError, message: /end: must be after the start/ });
});

test.serial('sales and support contacts must have the right role', async (t) => {
  const { w } = t.context;
  await refusedUnchanged(t, () => w.as(w.manager, (ctx) => clients.reassignClient(ctx, 'Kevin Casey', 'paul@epic.test')), { instanceOf: ValidationError, message: /not sales/ });
  await refusedUnchanged(t, () => w.as(w.manager, (ctx) => events.assignSupport(ctx, 'Durand Gala', 'sam@epic.test')), { instanceOf: ValidationError, message: /not support/ });
});

test.serial('a manager cannot delete themselves nor the last manager', async (t) => {
  const { w } = t.context;
  await refusedUnchanged(t, () => w.as(w.manager, (ctx) => collaborators.deleteCollaborator(ctx, 'maud@epic.test')), { instanceOf: Conflict, message: /your own account/ });
  await refusedUnchanged(t, () => w.as(w.manager, (ctx) => collaborators.updateCollaborator(ctx, 'maud@epic.test', { role: 'sales' }, PASSWORD)), { instanceOf: Conflict, message: /last manager/ });
});

test.serial('deleting a salesperson with clients needs --reassign-to, done in one transaction', async (t) => {
  const { w } = t.context;
  await refusedUnchanged(t, () => w.as(w.manager, (ctx) => collaborators.deleteCollaborator(ctx, 'sonia@epic.test')), { instanceOf: Conflict, message: /--reassign-to/ });
  await refusedUnchanged(t, () => w.as(w.manager, (ctx) => collaborators.deleteCollaborator(ctx, 'sonia@epic.test', { reassignTo: 'pia@epic.test' })), { instanceOf: ValidationError, message: /not sales/ });
  const clientsOf = (id: number) => w.as(w.manager, (ctx) => Client.count({ where: { salesContactId: id }, transaction: ctx.transaction }));
  const theirs = await clientsOf(w.otherSales.id);
  t.true(theirs > 0);
  const spare = await insertCollaborator(w.db, { fullName: 'Spare Seller', email: 'spare@epic.test', role: 'sales' });
  await w.as(w.manager, (ctx) => collaborators.deleteCollaborator(ctx, 'sonia@epic.test', { reassignTo: 'spare@epic.test' }));
  t.is(await clientsOf(spare.id), theirs);
  t.is(await w.as(w.manager, (ctx) => Collaborator.findByPk(w.otherSales.id, { transaction: ctx.transaction })), null);
  // Put the world back for the other tests.
  const restored = await insertCollaborator(w.db, { fullName: 'Sonia Sales', email: 'sonia@epic.test', role: 'sales' });
  await w.db.owner.query('UPDATE clients SET "salesContactId" = $1 WHERE "salesContactId" = $2', { bind: [restored.id, spare.id] });
  w.otherSales = restored;
});

test.serial('deleting a support agent leaves their events unassigned; a role change waits for their future events', async (t) => {
  const { w } = t.context;
  await insertCollaborator(w.db, { fullName: 'Temp Support', email: 'temp.support@epic.test', role: 'support' });
  await w.as(w.manager, (ctx) => events.assignSupport(ctx, 'Durand Gala', 'temp.support@epic.test'));
  // Durand Gala is in the past (May 2026 against a June 2026 clock): not a future event.
  await w.as(w.manager, (ctx) => events.assignSupport(ctx, 'Durand Wedding', 'temp.support@epic.test'));
  await refusedUnchanged(t, () => w.as(w.manager, (ctx) => collaborators.updateCollaborator(ctx, 'temp.support@epic.test', { role: 'sales' }, PASSWORD)), { instanceOf: Conflict, message: /1 future event/ });
  await w.as(w.manager, (ctx) => collaborators.deleteCollaborator(ctx, 'temp.support@epic.test'));
  const supportOf = async (id: number) => (await w.as(w.manager, (ctx) => Event.findByPk(id, { transaction: ctx.transaction, rejectOnEmpty: true }))).supportContactId;
  t.is(await supportOf(w.unassignedEvent.id), null);
  t.is(await supportOf(w.othersEvent.id), null);
  await w.as(w.manager, (ctx) => events.assignSupport(ctx, 'Durand Wedding', 'pia@epic.test'));
});

test.serial('contract amounts: two decimals, due within total, payments never below zero, signing once', async (t) => {
  const { w } = t.context;
  const id = String(w.ownUnsigned.id);
  for (const [total, due, message] of [
    ['12.345', undefined, /at most 2 decimals/],
    ['-5', undefined, /total: must be positive/],
    ['0', undefined, /more than 0/],
    ['abc', undefined, /not an amount/],
    ['100', '100.01', /must not exceed the total amount \(100\.00\)/],
    ['1e5', undefined, /not an amount/],
  ] as const) {
    await refusedUnchanged(t, () => w.as(w.manager, (ctx) => contracts.createContract(ctx, { client: 'Kevin Casey', total, due })), { instanceOf: ValidationError, message });
  }
  await refusedUnchanged(t, () => w.as(w.sales, (ctx) => contracts.payContract(ctx, String(w.ownSigned.id), '2500.01')), { instanceOf: ValidationError, message: /more than the amount due \(2500\.00\)/ });
  const paid = await w.as(w.sales, (ctx) => contracts.payContract(ctx, String(w.ownSigned.id), '2500'));
  t.is(paid.amountDue, '0.00');
  await w.as(w.sales, (ctx) => contracts.updateContract(ctx, String(w.ownSigned.id), { due: '2500' }));
  const signed = await w.as(w.sales, (ctx) => contracts.signContract(ctx, id));
  t.true(signed.signed);
  await refusedUnchanged(t, () => w.as(w.sales, (ctx) => contracts.signContract(ctx, id)), { instanceOf: ValidationError, message: /already signed/ });
  await w.db.owner.query('DELETE FROM contracts WHERE id = $1', { bind: [w.ownUnsigned.id] });
  const row = await insertRow(w.db, 'contracts', { clientId: w.ownClient.id, totalAmount: '10000.00', amountDue: '2500.00', signed: false });
  w.ownUnsigned = Contract.build(row, { isNewRecord: false, raw: true });
});

const LONG = 'x'.repeat(10_000);

test.serial('bad input for every field is refused with the field named, and nothing is written', async (t) => {
  const { w } = t.context;
  const create = (fields: Record<string, string>) => () => w.as(w.sales, (ctx) => clients.createClient(ctx, { fullName: 'Valid Name', email: 'valid@x.test', phone: '0612345678', ...fields }));
  const cases: [Record<string, string>, RegExp][] = [
    [{ fullName: LONG }, /^name: must be at most 120 characters \(got 10000\)/],
    [{ fullName: '   ' }, /^name: must not be empty/],
    [{ fullName: 'Bell\u0007Name' }, /^name: must not contain control characters/],
    [{ fullName: 'Two\nLines' }, /^name: must not contain control characters/],
    [{ email: 'no-at-sign' }, /^email: "no-at-sign" is not a valid email/],
    [{ email: `${LONG}@x.test` }, /^email: must be at most 254/],
    [{ phone: '12' }, /^phone: "12" is not a valid phone number/],
    [{ phone: LONG }, /^phone: must be at most 32/],
    [{ companyName: LONG }, /^company: must be at most 120/],
  ];
  for (const [fields, message] of cases) await refusedUnchanged(t, create(fields), { instanceOf: ValidationError, message });
  const event = (fields: Record<string, string>) => () =>
    w.as(w.sales, (ctx) => events.updateEvent(ctx, 'Casey Launch Party', fields));
  const eventCases: [Record<string, string>, RegExp][] = [
    [{ start: '2026-02-30' }, /^start: "2026-02-30" is not a date/],
    [{ start: 'tomorrow' }, /^start: "tomorrow" is not a date/],
    [{ end: '2026-07-01 25:00' }, /^end: "2026-07-01 25:00" is not a date/],
    [{ attendees: '-1' }, /^attendees: expected a whole number from 0/],
    [{ attendees: '2.5' }, /^attendees: expected a whole number/],
    [{ attendees: '99999999999' }, /^attendees: expected a whole number from 0 to 1000000/],
    [{ notes: LONG }, /^notes: must be at most 5000/],
    [{ location: LONG }, /^location: must be at most 200/],
    [{ name: 'Esc\u001b[31mape' }, /^name: must not contain control characters/],
  ];
  for (const [fields, message] of eventCases) await refusedUnchanged(t, event(fields), { instanceOf: ValidationError, message });
  const hire = (fields: Record<string, string>) => () =>
    w.as(w.manager, (ctx) => collaborators.createCollaborator(ctx, { fullName: 'New Hire', email: 'hire@epic.test', role: 'sales', password: 'a long enough passphrase', ...fields }, { tokens: { token: () => 'x' } }));
  const hireCases: [Record<string, string>, RegExp][] = [
    [{ fullName: LONG }, /^name: must be at most 120/],
    [{ fullName: 'Tab\tName' }, /^name: must not contain control characters/],
    [{ email: 'hire@' }, /^email: "hire@" is not a valid email/],
    [{ role: 'admin' }, /^role: expected one of management, gestion, sales, commercial, support/],
    [{ password: 'short one' }, /^password: must be at least 15 characters/],
  ];
  for (const [fields, message] of hireCases) await refusedUnchanged(t, hire(fields), { instanceOf: ValidationError, message });
  await refusedUnchanged(t, () => w.as(w.sales, (ctx) => contracts.showContract(ctx, 'abc')), { instanceOf: ValidationError, message: /contract id/ });
  await refusedUnchanged(t, () => w.as(w.sales, (ctx) => clients.showClient(ctx, '#999999')), { instanceOf: NotFound, message: /no client #999999/ });
});

const INJECTIONS = [
  "Robert'); DROP TABLE clients;--",
  "' OR '1'='1",
  '" OR ""="',
  "1; DELETE FROM collaborators WHERE 1=1",
  "admin'--",
  "%' UNION SELECT \"passwordHash\" FROM collaborators --",
  '\\\'; TRUNCATE events; --',
  "$$; DROP SCHEMA public CASCADE; $$",
  "epic_fold('x') || (SELECT 1)",
];

test.serial('SQL-injection payloads are stored and shown back literally; other tables keep their rows', async (t) => {
  const { w } = t.context;
  const counts = () =>
    w.as(w.manager, async ({ transaction }) => [await Collaborator.count({ transaction }), await Contract.count({ transaction }), await Event.count({ transaction })]);
  const before = await counts();
  for (const [i, payload] of INJECTIONS.entries()) {
    const created = await w.as(w.sales, (ctx) => clients.createClient(ctx, { fullName: payload, email: `inj${i}@x.test`, phone: '0612345678', companyName: payload }));
    t.is(created.fullName, payload.trim());
    const shown = await w.as(w.sales, (ctx) => clients.showClient(ctx, payload));
    t.is(shown.client.companyName, payload.trim());
    const found = await w.as(w.sales, (ctx) => clients.listClients(ctx, { search: payload }));
    t.true(found.rows.some((row) => row.id === created.id), payload);
  }
  t.deepEqual(await counts(), before);
});

test.serial('%, _ and \\ in a search match themselves', async (t) => {
  const { w } = t.context;
  await w.as(w.sales, (ctx) => clients.createClient(ctx, { fullName: 'Percent Person', email: 'pp@x.test', phone: '0612345679', companyName: '100% Fun_Co \\o/' }));
  const search = async (text: string) => (await w.as(w.sales, (ctx) => clients.listClients(ctx, { search: text }))).rows.map((r) => r.fullName);
  t.deepEqual(await search('100%'), ['Percent Person']);
  t.deepEqual(await search('fun_co'), ['Percent Person']);
  t.deepEqual(await search('\\o/'), ['Percent Person']);
  // A lone % or _ finds only the clients that contain one, not every client.
  const all = (await w.as(w.sales, (ctx) => clients.listClients(ctx, {}))).total;
  for (const wildcard of ['%', '_']) {
    const found = (await w.as(w.sales, (ctx) => clients.listClients(ctx, { search: wildcard }))).rows;
    t.true(found.length < all);
    t.true(found.some((r) => r.fullName === 'Percent Person'));
    t.true(found.every((r) => `${r.fullName} ${r.email} ${r.companyName}`.includes(wildcard)), wildcard);
  }
  // Their full-width forms, which the folding turns into them, match them too, the page of a search as well as the whole list.
  const page = async (text: string) => (await w.as(w.sales, (ctx) => clients.listClients(ctx, { search: text, limit: 30 }))).rows.map((r) => r.fullName);
  for (const typed of ['100％', 'fun＿co', '＼o/', '∖o/']) {
    t.deepEqual(await search(typed), ['Percent Person'], typed);
    t.deepEqual(await page(typed), ['Percent Person'], typed);
  }
  for (const [typed, folded] of [['％', '%'], ['＿', '_'], ['﹪', '%']]) {
    const found = (await w.as(w.sales, (ctx) => clients.listClients(ctx, { search: typed }))).rows;
    t.true(found.length < all && found.some((r) => r.fullName === 'Percent Person'), typed);
    t.true(found.every((r) => `${r.fullName} ${r.email} ${r.companyName}`.includes(folded)), typed);
  }
  t.deepEqual(await search('fun-co'), []);
  t.deepEqual(await search('PERCENT per'), ['Percent Person']);
  t.deepEqual(await search('elodie'), ['Élodie Durand']);
});

test.serial('two shells editing one record: the second save fails and nothing is overwritten', async (t) => {
  const { w } = t.context;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let loaded!: () => void;
  const firstLoaded = new Promise<void>((resolve) => (loaded = resolve));
  // Shell one (a session of its own) loads the client, then waits while shell two changes it.
  const slow = sessionRunner(w.db, w.clock)(w.sales, async (ctx) => {
    const client = await Client.findByPk(w.ownClient.id, { transaction: ctx.transaction });
    loaded();
    await held;
    await client!.update({ companyName: 'From shell one' }, { transaction: ctx.transaction });
  });
  await firstLoaded;
  await w.as(w.sales, (ctx) => clients.updateClient(ctx, 'Kevin Casey', { companyName: 'From shell two' }));
  release();
  await t.throwsAsync(slow, { instanceOf: Conflict, message: /changed by someone else since you loaded it/ });
  t.is((await w.as(w.sales, (ctx) => Client.findByPk(w.ownClient.id, { transaction: ctx.transaction })))!.companyName, 'From shell two');
});

test.serial('a command failing half-way leaves nothing written', async (t) => {
  const { w } = t.context;
  const before = await snapshot();
  await t.throwsAsync(
    w.as(w.sales, async (ctx) => {
      await clients.createClient(ctx, { fullName: 'Half Way', email: 'half@x.test', phone: '0612345670' });
      await clients.updateClient(ctx, 'Kevin Casey', { companyName: 'Half-way change' });
      await clients.createClient(ctx, { fullName: 'Half Way Two', email: 'HALF@x.test', phone: '0612345671' });
    }),
    { instanceOf: Conflict, message: /a client with this email already exists/ },
  );
  t.is(await snapshot(), before);
  t.is(await w.as(w.sales, (ctx) => Client.count({ where: { email: 'half@x.test' }, transaction: ctx.transaction })), 0);
});
