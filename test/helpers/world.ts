import bcrypt from 'bcrypt';
import { ManualClock } from '../../lib/clock';
import { asActor, type ServiceContext } from '../../lib/db/context';
import type { Actor } from '../../lib/permissions';
import { Client, ClientContact, Collaborator, Contract, Event, Session } from '../../models';
import type { TestDatabase } from './database';

/** A small company: one manager, two of each other role, clients, contracts and events. */

export const PASSWORD = 'correct horse battery staple';
let cachedHash: string | undefined;
const hash = () => (cachedHash ??= bcrypt.hashSync(PASSWORD, 10));

export interface World {
  db: TestDatabase;
  clock: ManualClock;
  manager: Collaborator;
  sales: Collaborator;
  otherSales: Collaborator;
  support: Collaborator;
  otherSupport: Collaborator;
  ownClient: Client;
  otherClient: Client;
  ownSigned: Contract;
  ownUnsigned: Contract;
  ownSignedFree: Contract;
  otherSigned: Contract;
  otherUnsigned: Contract;
  otherSignedFree: Contract;
  ownProspect: Client;
  otherProspect: Client;
  assignedEvent: Event;
  othersEvent: Event;
  unassignedEvent: Event;
  as<T>(who: Collaborator, work: (ctx: ServiceContext) => Promise<T>): Promise<T>;
}

export function actorOf(c: Collaborator): Actor {
  return { id: c.id, role: c.role, fullName: c.fullName };
}

export async function buildWorld(db: TestDatabase, clock = new ManualClock('2026-06-01T09:00:00Z')): Promise<World> {
  const person = (fullName: string, email: string, role: string) =>
    Collaborator.create({ fullName, email, role, passwordHash: hash() });
  const manager = await person('Maud Manager', 'maud@epic.test', 'management');
  const sales = await person('Sam Sales', 'sam@epic.test', 'sales');
  const otherSales = await person('Sonia Sales', 'sonia@epic.test', 'sales');
  const support = await person('Paul Support', 'paul@epic.test', 'support');
  const otherSupport = await person('Pia Support', 'pia@epic.test', 'support');
  const ownClient = await Client.create({ fullName: 'Kevin Casey', email: 'kevin@startup.test', phone: '+33612345678', companyName: 'Cool Startup LLC', salesContactId: sales.id });
  const otherClient = await Client.create({ fullName: 'Élodie Durand', email: 'elodie@example.test', phone: '+33698765432', companyName: null, salesContactId: otherSales.id });
  const contract = (client: Client, signed: boolean) =>
    Contract.create({ clientId: client.id, totalAmount: '10000.00', amountDue: '2500.00', signed, signedAt: signed ? clock.now() : null });
  const ownSigned = await contract(ownClient, true);
  const ownUnsigned = await contract(ownClient, false);
  const ownSignedFree = await contract(ownClient, true);
  const otherSigned = await contract(otherClient, true);
  const otherUnsigned = await contract(otherClient, false);
  const otherSignedFree = await contract(otherClient, true);
  const otherSignedGala = await contract(otherClient, true);
  const ownProspect = await Client.create({ fullName: 'Olivia Prospect', email: 'olivia@prospect.test', phone: '+33611111111', salesContactId: sales.id });
  const otherProspect = await Client.create({ fullName: 'Oscar Prospect', email: 'oscar@prospect.test', phone: '+33622222222', salesContactId: otherSales.id });
  const event = (name: string, k: Contract, supportContactId: number | null, startsAt: string) =>
    Event.create({ name, contractId: k.id, supportContactId, startsAt: new Date(startsAt), endsAt: new Date(new Date(startsAt).getTime() + 6 * 3_600_000), location: 'Lyon', attendees: 50 });
  const assignedEvent = await event('Casey Launch Party', ownSigned, support.id, '2026-07-01T16:00:00Z');
  const othersEvent = await event('Durand Wedding', otherSigned, otherSupport.id, '2026-08-01T14:00:00Z');
  const unassignedEvent = await event('Durand Gala', otherSignedGala, null, '2026-05-01T18:00:00Z');
  return {
    db, clock, manager, sales, otherSales, support, otherSupport, ownClient, otherClient,
    ownSigned, ownUnsigned, ownSignedFree, otherSigned, otherUnsigned, otherSignedFree, ownProspect, otherProspect, assignedEvent, othersEvent, unassignedEvent,
    as: (who, work) => asActor(db.sequelize, clock, actorOf(who), work),
  };
}

/** Empties the database and builds the world again: for tests whose every case must start afresh. */
export async function rebuildWorld(w: World): Promise<World> {
  await w.db.sequelize.query('TRUNCATE sessions, events, contracts, clients, collaborators RESTART IDENTITY CASCADE');
  return buildWorld(w.db, w.clock);
}

/** Every row of every table, to prove that a refused command changed nothing. */
export async function snapshot(): Promise<string> {
  const dump = async (model: { findAll(o: object): Promise<{ toJSON(): object }[]> }) =>
    (await model.findAll({ order: [['id', 'ASC']] })).map((row) => row.toJSON());
  return JSON.stringify([await dump(Collaborator), await dump(Client), await dump(Contract), await dump(Event), await dump(Session), await dump(ClientContact)]);
}
