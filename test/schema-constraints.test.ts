import anyTest, { type TestFn } from 'ava';
import type { Sequelize } from 'sequelize-typescript';
import { createSequelize } from '../lib/db/connection';
import { Client, Collaborator, Contract, Event } from '../models';
import { freshDatabase, type TestDatabase } from './helpers/database';

/**
 * Rows written straight through the models, around every service check, must still be refused.
 * The writes use the owner account, which row-level security lets through: the constraints
 * hold whoever writes.
 */
const test = anyTest as TestFn<{ db: TestDatabase; asOwner: Sequelize }>;

test.before(async (t) => {
  t.context.db = await freshDatabase();
  // Binds the models to the owner in this test process.
  t.context.asOwner = createSequelize(t.context.db.ownerUrl);
});
test.after.always(async (t) => {
  await t.context.asOwner?.close();
  await t.context.db?.drop();
});

let counter = 0;
const unique = () => `${process.pid}-${++counter}`;

async function collaborator(role = 'sales') {
  return Collaborator.create({ fullName: `Person ${unique()}`, email: `p${unique()}@example.com`, role, passwordHash: 'x' });
}
async function client(salesContactId?: number) {
  const owner = salesContactId ?? (await collaborator('sales')).id;
  return Client.create({ fullName: `Client ${unique()}`, email: `c${unique()}@example.com`, phone: '+33612345678', salesContactId: owner });
}
async function contract(signed = true) {
  const c = await client();
  return Contract.create({ clientId: c.id, totalAmount: '1000.00', amountDue: '500.00', signed, signedAt: signed ? new Date() : null });
}
function eventFields(contractId: number) {
  return { name: `Event ${unique()}`, contractId, startsAt: new Date('2027-01-01T10:00Z'), endsAt: new Date('2027-01-01T18:00Z'), location: 'Lyon', attendees: 10 };
}

async function refused(t: import('ava').ExecutionContext, write: () => Promise<unknown>, pattern: RegExp) {
  const error = await t.throwsAsync(write);
  const text = `${error?.name} ${(error as { parent?: { constraint?: string; code?: string } })?.parent?.constraint ?? ''} ${error?.message}`;
  t.regex(text, pattern);
}

test('amount due above total is refused', async (t) => {
  const c = await client();
  await refused(t, () => Contract.create({ clientId: c.id, totalAmount: '100.00', amountDue: '100.01' }), /contracts_amount_due_check/);
});

test('negative and zero amounts are refused', async (t) => {
  const c = await client();
  await refused(t, () => Contract.create({ clientId: c.id, totalAmount: '-5.00', amountDue: '0.00' }), /contracts_(total_amount|amount_due)_check/);
  await refused(t, () => Contract.create({ clientId: c.id, totalAmount: '0.00', amountDue: '0.00' }), /contracts_total_amount_check/);
  await refused(t, () => Contract.create({ clientId: c.id, totalAmount: '10.00', amountDue: '-1.00' }), /contracts_amount_due_check/);
});

test('signing is one-way and a signed contract has a signing time', async (t) => {
  const signed = await contract(true);
  await refused(t, () => signed.update({ signed: false, signedAt: null }), /contracts_signing_one_way_check/);
  const c = await client();
  await refused(t, () => Contract.create({ clientId: c.id, totalAmount: '10.00', amountDue: '10.00', signed: true }), /contracts_signed_at_check/);
});

test('an event ending before it starts is refused', async (t) => {
  const k = await contract();
  await refused(t, () => Event.create({ ...eventFields(k.id), endsAt: new Date('2026-12-31T10:00Z') }), /events_dates_check/);
});

test('negative attendees are refused', async (t) => {
  const k = await contract();
  await refused(t, () => Event.create({ ...eventFields(k.id), attendees: -1 }), /events_attendees_check/);
});

test('a second event on one contract is refused', async (t) => {
  const k = await contract();
  await Event.create(eventFields(k.id));
  await refused(t, () => Event.create(eventFields(k.id)), /events_contract_unique|UniqueConstraint/);
});

test('an event on an unsigned contract is refused', async (t) => {
  const k = await contract(false);
  await refused(t, () => Event.create(eventFields(k.id)), /events_contract_signed_check/);
});

test('event names are unique whatever their case', async (t) => {
  const first = await contract();
  const second = await contract();
  await Event.create({ ...eventFields(first.id), name: 'Gala Dinner' });
  await refused(t, () => Event.create({ ...eventFields(second.id), name: 'GALA dinner' }), /events_name_unique|UniqueConstraint/);
});

test('emails differing only in case are refused for collaborators and clients', async (t) => {
  await Collaborator.create({ fullName: 'A', email: 'Same@Example.com', role: 'sales', passwordHash: 'x' });
  await refused(t, () => Collaborator.create({ fullName: 'B', email: 'same@example.COM', role: 'sales', passwordHash: 'x' }), /collaborators_email_unique|UniqueConstraint/);
  const owner = await collaborator();
  await Client.create({ fullName: 'C', email: 'Client@Example.com', phone: '+33612345678', salesContactId: owner.id });
  await refused(t, () => Client.create({ fullName: 'D', email: 'CLIENT@example.com', phone: '+33612345678', salesContactId: owner.id }), /clients_email_unique|UniqueConstraint/);
});

test('an unknown role is refused', async (t) => {
  await refused(t, () => Collaborator.create({ fullName: 'X', email: `x${unique()}@example.com`, role: 'admin', passwordHash: 'x' }), /collaborators_role_check/);
});

test('a client whose sales contact is not a sales collaborator is refused', async (t) => {
  const support = await collaborator('support');
  await refused(t, () => client(support.id), /clients_sales_contact_role_check/);
});

test('an event whose support contact is not a support collaborator is refused', async (t) => {
  const k = await contract();
  const sales = await collaborator('sales');
  await refused(t, () => Event.create({ ...eventFields(k.id), supportContactId: sales.id }), /events_support_contact_role_check/);
});

test('a phone number not in international form is refused', async (t) => {
  const owner = await collaborator();
  await refused(t, () => Client.create({ fullName: 'P', email: `p${unique()}@example.com`, phone: '06 12 34 56 78', salesContactId: owner.id }), /clients_phone_check/);
});

test('foreign keys: no orphans, and rows others depend on cannot be deleted', async (t) => {
  await refused(t, () => Contract.create({ clientId: 999999, totalAmount: '1.00', amountDue: '1.00' }), /ForeignKeyConstraint/);
  const k = await contract();
  await refused(t, () => Client.destroy({ where: { id: k.clientId } }), /ForeignKeyConstraint/);
  const owner = await Client.findByPk(k.clientId);
  await refused(t, () => Collaborator.destroy({ where: { id: owner!.salesContactId } }), /ForeignKeyConstraint/);
});

test('deleting a support collaborator leaves their events unassigned', async (t) => {
  const k = await contract();
  const support = await collaborator('support');
  const event = await Event.create({ ...eventFields(k.id), supportContactId: support.id });
  await support.destroy();
  await event.reload();
  t.is(event.supportContactId, null);
});

test('optimistic locking: a stale instance cannot overwrite a newer save', async (t) => {
  const k = await contract(false);
  const first = await Contract.findByPk(k.id);
  const second = await Contract.findByPk(k.id);
  await first!.update({ amountDue: '400.00' });
  await refused(t, () => second!.update({ amountDue: '300.00' }), /OptimisticLock/);
  await k.reload();
  t.is(k.amountDue, '400.00');
});
