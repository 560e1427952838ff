import anyTest, { type TestFn } from 'ava';
import { PermissionDenied } from '../lib/errors';
import type { ServiceContext } from '../lib/db/context';
import { cryptoTokens } from '../lib/services/settings';
import * as agenda from '../lib/services/agenda';
import * as clients from '../lib/services/clients';
import * as collaborators from '../lib/services/collaborators';
import * as contacts from '../lib/services/contacts';
import * as contracts from '../lib/services/contracts';
import * as dataMove from '../lib/services/data-move';
import * as events from '../lib/services/events';
import * as history from '../lib/services/history';
import { ACTIONS, type Action } from '../lib/permissions';
import { ALL, ROLES, SPEC, targetsFor, type Role, type Target } from './helpers/permission-spec';
import { freshDatabase } from './helpers/database';
import { buildWorld, snapshot, type World } from './helpers/world';

/**
 * Who may do what (README), cell by cell, through the services. The expected table is written out here again on
 * purpose, from the specification, not derived from lib/permissions. Targets are walked only
 * where the rule depends on ownership (targetsFor); every query a service runs is recorded, to
 * show that it runs in the command's transaction and that a role refused outright is refused
 * before anything is looked up.
 */
const test = anyTest as TestFn<{ w: World; queries: Query[] }>;

interface Query {
  sql: string;
  inTransaction: boolean;
}

type Invoke = (ctx: ServiceContext, w: World, target: Target) => Promise<unknown>;
const pick = <T>(target: Target, own: T, other: T, unassigned: T = other) => (target === 'own' ? own : target === 'other' ? other : unassigned);
const deps = { bcryptCost: 10, tokens: cryptoTokens };

// "own" is the salesperson's client (whose event the first support agent runs); "unassigned"
// is a record of its own only for the events that name one, elsewhere it would repeat "other".
const WITH_UNASSIGNED = new Set<Action>(['event.show', 'event.update', 'event.assign', 'event.delete', 'event.history']);
const INVOKE: Record<Action, Invoke> = {
  'collaborator.list': (ctx) => collaborators.listCollaborators(ctx),
  'collaborator.show': (ctx, w) => collaborators.showCollaborator(ctx, String(w.otherSales.id)),
  'collaborator.create': (ctx) => collaborators.createCollaborator(ctx, { fullName: 'New Hire', email: 'new@epic.test', role: 'sales' }, deps),
  'collaborator.update': (ctx, w) => collaborators.updateCollaborator(ctx, String(w.otherSupport.id), { fullName: 'Pia Renamed' }),
  'collaborator.delete': (ctx, w) => collaborators.deleteCollaborator(ctx, String(w.otherSupport.id)),
  'collaborator.reset-password': (ctx, w) => collaborators.resetPassword(ctx, String(w.otherSupport.id), undefined, deps),
  'collaborator.history': (ctx, w) => history.recordHistory(ctx, 'collaborators', String(w.otherSales.id)),
  'collaborator.activity': (ctx, w) => history.activity(ctx, String(w.otherSales.id)),
  'client.list': (ctx) => clients.listClients(ctx),
  'client.show': (ctx, w, t) => clients.showClient(ctx, String(pick(t, w.ownClient, w.otherClient).id)),
  'client.create': (ctx) => clients.createClient(ctx, { fullName: 'New Client', email: 'new@client.test', phone: '0612345678' }),
  'client.update': (ctx, w, t) => clients.updateClient(ctx, String(pick(t, w.ownClient, w.otherClient).id), { companyName: 'Renamed' }),
  'client.delete': (ctx, w, t) => clients.deleteClient(ctx, String(pick(t, w.ownProspect, w.otherProspect).id)),
  'client.reassign': (ctx, w, t) => clients.reassignClient(ctx, String(pick(t, w.ownClient, w.otherClient).id), String(w.otherSales.id)),
  'client.history': (ctx, w, t) => history.recordHistory(ctx, 'clients', String(pick(t, w.ownClient, w.otherClient).id)),
  'client.contact': (ctx, w, t) => contacts.recordContact(ctx, String(pick(t, w.ownClient, w.otherClient).id), { note: 'Called about the date' }),
  'client.contacts': (ctx, w, t) => contacts.listContacts(ctx, String(pick(t, w.ownClient, w.otherClient).id)),
  'contract.list': (ctx) => contracts.listContracts(ctx),
  'contract.show': (ctx, w, t) => contracts.showContract(ctx, String(pick(t, w.ownSigned, w.otherSigned).id)),
  'contract.create': (ctx, w, t) => contracts.createContract(ctx, { client: String(pick(t, w.ownClient, w.otherClient).id), total: '500' }),
  'contract.update': (ctx, w, t) => contracts.updateContract(ctx, String(pick(t, w.ownSigned, w.otherSigned).id), { due: '100' }),
  'contract.sign': (ctx, w, t) => contracts.signContract(ctx, String(pick(t, w.ownUnsigned, w.otherUnsigned).id)),
  'contract.pay': (ctx, w, t) => contracts.payContract(ctx, String(pick(t, w.ownSigned, w.otherSigned).id), '100'),
  'contract.delete': (ctx, w, t) => contracts.deleteContract(ctx, String(pick(t, w.ownUnsigned, w.otherUnsigned).id)),
  'contract.history': (ctx, w, t) => history.recordHistory(ctx, 'contracts', String(pick(t, w.ownSigned, w.otherSigned).id)),
  'event.list': (ctx) => events.listEvents(ctx),
  'event.show': (ctx, w, t) => events.showEvent(ctx, String(pick(t, w.assignedEvent, w.othersEvent, w.unassignedEvent).id)),
  'event.create': (ctx, w, t) =>
    events.createEvent(ctx, { contract: String(pick(t, w.ownSignedFree, w.otherSignedFree).id), name: 'New Event', start: '2026-09-01 10:00', end: '2026-09-01 18:00', location: 'Paris', attendees: '10' }),
  'event.update': (ctx, w, t) => events.updateEvent(ctx, String(pick(t, w.assignedEvent, w.othersEvent, w.unassignedEvent).id), { notes: 'Bring chairs' }),
  'event.assign': (ctx, w, t) => events.assignSupport(ctx, String(pick(t, w.assignedEvent, w.othersEvent, w.unassignedEvent).id), String(w.otherSupport.id)),
  'event.unassign': (ctx, w, t) => events.unassignSupport(ctx, String(pick(t, w.assignedEvent, w.othersEvent).id)),
  'event.delete': (ctx, w, t) => events.deleteEvent(ctx, String(pick(t, w.assignedEvent, w.othersEvent, w.unassignedEvent).id)),
  'event.history': (ctx, w, t) => history.recordHistory(ctx, 'events', String(pick(t, w.assignedEvent, w.othersEvent, w.unassignedEvent).id)),
  'database.export': (ctx) => dataMove.assertMayExport(ctx),
  // Read-only, of the actor's own day: no record is targeted.
  'agenda.show': (ctx) => agenda.agendaOf(ctx),
};

test.before(async (t) => {
  const w = await buildWorld(await freshDatabase());
  t.context.w = w;
  t.context.queries = [];
  w.db.sequelize.addHook('afterQuery', (options, query) => {
    t.context.queries.push({ sql: (query as unknown as { sql: string }).sql, inTransaction: options.transaction != null });
  });
});
test.after.always(async (t) => {
  await t.context.w?.db.drop();
});

class Rollback extends Error {}

const actorFor = (w: World, role: Role) => ({ management: w.manager, sales: w.sales, support: w.support })[role];

test('the matrix covers every action of the permission table', (t) => {
  t.deepEqual(Object.keys(INVOKE).sort(), [...ACTIONS].sort());
});

for (const action of ACTIONS) {
  for (const role of ROLES) {
    for (const target of targetsFor(action, role, WITH_UNASSIGNED.has(action) ? ALL : ['own', 'other'])) {
      const allowed = SPEC[action][role]?.includes(target) ?? false;
      test.serial(`${role} ${allowed ? 'may' : 'may not'} ${action} (${target})`, async (t) => {
        const { w } = t.context;
        const who = actorFor(w, role);
        // The queries of the service call itself, after the session began.
        let ran: Query[] = [];
        const invoke = (ctx: ServiceContext) => {
          const from = t.context.queries.length;
          return INVOKE[action](ctx, w, target).finally(() => (ran = t.context.queries.slice(from)));
        };
        if (allowed) {
          // Allowed cells run for real, then roll back so that every cell starts from the same data.
          const outcome = await w.as(who, async (ctx) => {
            await invoke(ctx);
            throw new Rollback();
          }).catch((error) => error);
          t.true(outcome instanceof Rollback, `expected success, got ${outcome}`);
        } else {
          const before = await snapshot();
          const error = await t.throwsAsync(w.as(who, invoke));
          t.true(error instanceof PermissionDenied, `expected permission denied, got ${error}`);
          t.regex(error!.message, /^permission denied: /);
          t.is(await snapshot(), before);
          if (!SPEC[action][role]) t.deepEqual(ran.map((q) => q.sql), [], 'a role refused outright is refused before any look-up');
        }
        t.deepEqual(ran.filter((q) => !q.inTransaction).map((q) => q.sql), [], "every query runs in the command's transaction");
      });
    }
  }
}
