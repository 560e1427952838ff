import crypto from 'node:crypto';
import type { TestFn } from 'ava';
import { QueryTypes } from 'sequelize';
import { ManualClock } from '../../lib/clock';
import { readConfig } from '../../lib/config';
import type { ServiceContext } from '../../lib/db/context';
import type { Actor } from '../../lib/permissions';
import { inSession, SessionUnusable } from '../../lib/services/sessions';
import { writeToken } from '../../lib/session/token-file';
import { Client, Collaborator, Contract, Event } from '../../models';
import { freshDatabase, type TestDatabase } from './database';

/**
 * A small company: one manager, two of each other role, clients, contracts and events. The
 * fixtures are written by the owner account (raw SQL); everything a test then does goes
 * through the runtime role, as the application does, with a session the owner opened.
 */

export const PASSWORD = 'correct horse battery staple';
/**
 * bcrypt of PASSWORD at cost 10, as the npm package writes it ($2b$): made once with
 * `bcrypt.hashSync(PASSWORD, 10)` rather than in every test process (60 ms of CPU each).
 */
const PASSWORD_HASH = '$2b$10$Xx5xd3qtaSo.TAPYQBYxS.nkLm7ZNh/Y4orhiOS9PIXDRhvjjJbQy';

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
  /** Runs work in one transaction as this collaborator, through a session the owner opened. */
  as<T>(who: { id: number }, work: (ctx: ServiceContext) => Promise<T>): Promise<T>;
}

export function actorOf(c: Collaborator): Actor {
  return { id: c.id, role: c.role, fullName: c.fullName };
}

type Row = Record<string, unknown>;

/** INSERT … RETURNING * as the owner, with the timestamps and version every record table has. */
export async function insertRow(db: TestDatabase, table: string, values: Row): Promise<Row> {
  const now = new Date();
  const all: Row = { createdAt: now, updatedAt: now, version: 0, ...values };
  const columns = Object.keys(all);
  const [row] = await db.owner.query<Row>(
    `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING *`,
    { bind: Object.values(all), type: QueryTypes.SELECT },
  );
  return row;
}

/** A collaborator row written by the owner (password: PASSWORD unless another hash is given). */
export async function insertCollaborator(db: TestDatabase, values: { fullName: string; email: string; role: string; passwordHash?: string; mustChangePassword?: boolean }): Promise<Collaborator> {
  const row = await insertRow(db, 'collaborators', { passwordHash: PASSWORD_HASH, mustChangePassword: false, ...values });
  delete row.passwordHash;
  delete row.failedLoginCount;
  return Collaborator.build(row, { isNewRecord: false, raw: true });
}

/**
 * A session opened by the owner with a known token, for tests where logging in is not what
 * is tested: the database judges it like one from epic_login().
 */
export async function openSessionFor(db: TestDatabase, collaboratorId: number): Promise<string> {
  const token = crypto.randomBytes(32).toString('hex');
  await db.owner.query(
    `INSERT INTO sessions ("tokenHash", "collaboratorId", "createdAt", "lastUsedAt", "expiresAt")
     VALUES (encode(sha256(convert_to($1, 'UTF8')), 'hex'), $2, now(), now(), now() + interval '12 hours')`,
    { bind: [token, collaboratorId] },
  );
  return token;
}

/**
 * A user of the binary (helpers/epic.ts) logged in as the collaborator through a session the
 * owner opened, its token where `epic login` writes it: for tests where logging in is not what
 * is tested, without a process and a bcrypt comparison for it.
 */
export async function signIn(user: { env: Record<string, string> }, db: TestDatabase, collaboratorId: number): Promise<void> {
  writeToken(readConfig(user.env).configDir, await openSessionFor(db, collaboratorId));
}

/**
 * `w.as` for a database: one transaction as the collaborator, through an owner-made session
 * kept per collaborator and opened again once something ended it (services check permissions
 * themselves, so nothing is admitted here).
 */
export function sessionRunner(db: TestDatabase, clock: ManualClock, tokens = new Map<number, string>()): World['as'] {
  return async (who, work) => {
    const token = tokens.get(who.id) ?? (await openSessionFor(db, who.id));
    tokens.set(who.id, token);
    try {
      return await inSession(db.sequelize, clock, token, () => undefined, work);
    } catch (error) {
      if (!(error instanceof SessionUnusable)) throw error;
      tokens.set(who.id, await openSessionFor(db, who.id));
      return inSession(db.sequelize, clock, tokens.get(who.id)!, () => undefined, work);
    }
  };
}

/** The database of the last world built: each test file has one. */
let lastDatabase: TestDatabase | undefined;

export async function buildWorld(db: TestDatabase, clock = new ManualClock('2026-06-01T09:00:00Z')): Promise<World> {
  const person = (fullName: string, email: string, role: string) => insertCollaborator(db, { fullName, email, role });
  lastDatabase = db;
  const manager = await person('Maud Manager', 'maud@epic.test', 'management');
  const sales = await person('Sam Sales', 'sam@epic.test', 'sales');
  const otherSales = await person('Sonia Sales', 'sonia@epic.test', 'sales');
  const support = await person('Paul Support', 'paul@epic.test', 'support');
  const otherSupport = await person('Pia Support', 'pia@epic.test', 'support');
  const client = async (values: Row) => Client.build(await insertRow(db, 'clients', { companyName: null, ...values }), { isNewRecord: false, raw: true });
  const ownClient = await client({ fullName: 'Kevin Casey', email: 'kevin@startup.test', phone: '+33612345678', companyName: 'Cool Startup LLC', salesContactId: sales.id });
  const otherClient = await client({ fullName: 'Élodie Durand', email: 'elodie@example.test', phone: '+33698765432', salesContactId: otherSales.id });
  const contract = async (c: Client, signed: boolean) =>
    Contract.build(await insertRow(db, 'contracts', { clientId: c.id, totalAmount: '10000.00', amountDue: '2500.00', signed, signedAt: signed ? clock.now() : null }), { isNewRecord: false, raw: true });
  const ownSigned = await contract(ownClient, true);
  const ownUnsigned = await contract(ownClient, false);
  const ownSignedFree = await contract(ownClient, true);
  const otherSigned = await contract(otherClient, true);
  const otherUnsigned = await contract(otherClient, false);
  const otherSignedFree = await contract(otherClient, true);
  const otherSignedGala = await contract(otherClient, true);
  const ownProspect = await client({ fullName: 'Olivia Prospect', email: 'olivia@prospect.test', phone: '+33611111111', salesContactId: sales.id });
  const otherProspect = await client({ fullName: 'Oscar Prospect', email: 'oscar@prospect.test', phone: '+33622222222', salesContactId: otherSales.id });
  const event = async (name: string, k: Contract, supportContactId: number | null, startsAt: string) =>
    Event.build(await insertRow(db, 'events', {
      name,
      contractId: k.id,
      supportContactId,
      startsAt: new Date(startsAt),
      endsAt: new Date(new Date(startsAt).getTime() + 6 * 3_600_000),
      location: 'Lyon',
      attendees: 50,
      notes: null,
    }), { isNewRecord: false, raw: true });
  const assignedEvent = await event('Casey Launch Party', ownSigned, support.id, '2026-07-01T16:00:00Z');
  const othersEvent = await event('Durand Wedding', otherSigned, otherSupport.id, '2026-08-01T14:00:00Z');
  const unassignedEvent = await event('Durand Gala', otherSignedGala, null, '2026-05-01T18:00:00Z');
  // Each fixture collaborator has a session from the start: a refused command is then the only
  // thing between two snapshots.
  const tokens = new Map<number, string>();
  for (const who of [manager, sales, otherSales, support, otherSupport]) tokens.set(who.id, await openSessionFor(db, who.id));
  return {
    db, clock, manager, sales, otherSales, support, otherSupport, ownClient, otherClient,
    ownSigned, ownUnsigned, ownSignedFree, otherSigned, otherUnsigned, otherSignedFree, ownProspect, otherProspect, assignedEvent, othersEvent, unassignedEvent,
    as: sessionRunner(db, clock, tokens),
  };
}

/** Empties the database and builds the world again: for tests whose every case must start afresh. */
export async function rebuildWorld(w: World): Promise<World> {
  await w.db.owner.query('TRUNCATE history, sessions, events, contracts, clients, collaborators RESTART IDENTITY CASCADE');
  return buildWorld(w.db, w.clock);
}

/**
 * Every row of every table, read by the owner, to prove that a refused command changed
 * nothing. Sessions are listed without "lastUsedAt", which every command moves.
 */
export async function snapshot(db = lastDatabase!): Promise<string> {
  const dump = (sql: string) => db.owner.query(sql, { type: QueryTypes.SELECT });
  return JSON.stringify([
    await dump('SELECT * FROM collaborators ORDER BY id'),
    await dump('SELECT * FROM clients ORDER BY id'),
    await dump('SELECT * FROM contracts ORDER BY id'),
    await dump('SELECT * FROM events ORDER BY id'),
    await dump('SELECT id, "tokenHash", "collaboratorId", "expiresAt" FROM sessions ORDER BY id'),
    await dump('SELECT * FROM client_contacts ORDER BY id'),
    await dump('SELECT * FROM history ORDER BY id'),
  ]);
}

/** One world per test file: built on a fresh database before the tests, dropped after them. */
export function worldPerFile(test: TestFn<{ w: World }>): void {
  test.before(async (t) => {
    t.context.w = await buildWorld(await freshDatabase());
  });
  test.after.always(async (t) => {
    await t.context.w?.db.drop();
  });
}
