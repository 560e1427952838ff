import { literal, Op, type WhereOptions } from 'sequelize';
import type { ServiceContext } from '../db/context';
import { NotFound, ValidationError } from '../errors';
import { assertAllowed, mineScope, type Ownership } from '../permissions';
import { Client, Collaborator, Contract, Event } from '../../models';
import { readClientRow } from './client-query';
import { eventIdOf, filterCollaborator, findClient, findCollaboratorWithRole, findContract, findEvent, namedCondition } from './lookup';
import { eventRow, type ClientRow, type EventRow, type Listing } from './rows';
import { eachBatch, type BatchSink } from './batches';
import { readPage } from './page';
import { timeParameter, type ListQuery } from './list-query';
import { dateTime, NAME_MAX, optionalText, text, wholeNumber } from './validation';

export interface EventFilters {
  mine?: boolean;
  unassigned?: boolean;
  upcoming?: boolean;
  past?: boolean;
  client?: string;
  support?: string;
  from?: Date;
  /** Events starting before this instant (`--to 2026-06-30` is given as the next midnight). */
  to?: Date;
  limit?: number;
}

/** Scopes exist once the models are added to Sequelize: built when a query needs them. */
const details = () => [
  { model: Collaborator.scope('named'), as: 'supportContact' },
  {
    model: Contract,
    attributes: ['id', 'clientId'],
    include: [
      {
        model: Client.scope('withSalesContact'),
        attributes: ['id', 'fullName', 'email', 'phone', 'companyName', 'salesContactId', 'createdAt', 'updatedAt'],
      },
    ],
  },
];

export const MAX_ATTENDEES = 1_000_000;
const LOCATION_MAX = 200;
const NOTES_MAX = 5000;

function ownership(event: Event): Ownership {
  return { salesContactId: event.contract?.client?.salesContactId, supportContactId: event.supportContactId };
}

/**
 * The filters with the names they hold looked up, once: live events are selected by the
 * database with `whereOf`, deleted ones (read from their history, for calendars) with `selects`,
 * side by side here so that both say the same.
 */
export interface EventSelection {
  now: Date;
  /** Whose events `--mine` means: the actor's clients' (own) or those they run (assigned). */
  mine?: { scope: 'own' | 'assigned'; actorId: number };
  unassigned?: boolean;
  upcoming?: boolean;
  past?: boolean;
  clientId?: number;
  supportIds?: number | number[];
  from?: Date;
  to?: Date;
}

export async function eventSelection(ctx: ServiceContext, filters: EventFilters): Promise<EventSelection> {
  assertAllowed(ctx.actor, 'event.list');
  if (filters.from && filters.to && filters.from >= filters.to) throw new ValidationError('from', 'must be before --to');
  return {
    now: ctx.clock.now(),
    mine: filters.mine ? { scope: mineScope(ctx.actor, 'event'), actorId: ctx.actor.id } : undefined,
    unassigned: filters.unassigned,
    upcoming: filters.upcoming,
    past: filters.past,
    clientId: filters.client === undefined ? undefined : (await findClient(ctx, filters.client)).id,
    supportIds: filters.support === undefined ? undefined : await filterCollaborator(ctx, filters.support, 'support', 'support'),
    from: filters.from,
    to: filters.to,
  };
}

/**
 * No event not over at `now` starts before this (the earliest start of those running then): a
 * bound that lets the start index skip the past (migration 20261130000500).
 */
function upcomingSince(now: Date): ReturnType<typeof literal> {
  return literal(`(SELECT epic_upcoming_since(${timeParameter(now)}))`);
}

function whereOf(s: EventSelection): WhereOptions {
  const conditions: WhereOptions[] = [];
  // The client's salesperson is kept on the event (migration 20261130000500): an index serves it in date order.
  if (s.mine) conditions.push(s.mine.scope === 'assigned' ? { supportContactId: s.mine.actorId } : { clientSalesContactId: s.mine.actorId });
  if (s.unassigned) conditions.push({ supportContactId: null });
  if (s.upcoming) conditions.push({ endsAt: { [Op.gte]: literal(timeParameter(s.now)) } }, { startsAt: { [Op.gte]: upcomingSince(s.now) } });
  if (s.past) conditions.push({ endsAt: { [Op.lt]: literal(timeParameter(s.now)) } });
  // On the events' own columns, as the capped count of lib/services/page.ts reads them without joins.
  if (s.clientId !== undefined) conditions.push({ contractId: { [Op.in]: literal(`(SELECT id FROM contracts WHERE "clientId" = ${Number(s.clientId)})`) } });
  if (s.supportIds !== undefined) conditions.push({ supportContactId: s.supportIds });
  if (s.from !== undefined) conditions.push({ startsAt: { [Op.gte]: s.from } });
  if (s.to !== undefined) conditions.push({ startsAt: { [Op.lt]: s.to } });
  return { [Op.and]: conditions };
}

/** What a deleted event was, as far as the filters care; its client is unknown once its contract went too. */
export interface EventFacts {
  startsAt: Date;
  endsAt: Date;
  supportContactId: number | null;
  clientId: number | null;
  salesContactId: number | null;
}

/** `whereOf`, for one event known by its facts. */
export function selects(s: EventSelection, e: EventFacts): boolean {
  const ids = (value: number | number[]) => (Array.isArray(value) ? value : [value]);
  if (s.mine && (s.mine.scope === 'assigned' ? e.supportContactId : e.salesContactId) !== s.mine.actorId) return false;
  if (s.unassigned && e.supportContactId !== null) return false;
  if (s.upcoming && e.endsAt < s.now) return false;
  if (s.past && e.endsAt >= s.now) return false;
  if (s.clientId !== undefined && e.clientId !== s.clientId) return false;
  if (s.supportIds !== undefined && (e.supportContactId === null || !ids(s.supportIds).includes(e.supportContactId))) return false;
  if (s.from !== undefined && e.startsAt < s.from) return false;
  return s.to === undefined || e.startsAt < s.to;
}

export async function listEvents(ctx: ServiceContext, filters: EventFilters = {}): Promise<Listing<EventRow>> {
  return listSelectedEvents(ctx, await eventSelection(ctx, filters), filters.limit);
}

/** The columns of eventRow, joined as `details` includes them, in date order. */
function eventListQuery(where: WhereOptions): ListQuery {
  const select = `SELECT "Event".id, "Event".name, "Event"."contractId", client.id AS "clientId", client."fullName" AS client, client.phone AS "clientPhone",
           client.email AS "clientEmail", "salesContact"."fullName" AS "salesContact", "Event"."supportContactId", "supportContact"."fullName" AS "supportContact",
           "Event"."startsAt", "Event"."endsAt", "Event".location, "Event".attendees, "Event".notes, "Event"."updatedAt", "Event".version
      FROM events AS "Event" LEFT JOIN collaborators AS "supportContact" ON "supportContact".id = "Event"."supportContactId"
           LEFT JOIN contracts AS contract ON contract.id = "Event"."contractId" LEFT JOIN clients AS client ON client.id = contract."clientId"
           LEFT JOIN collaborators AS "salesContact" ON "salesContact".id = client."salesContactId"`;
  return { select, model: Event, where, orderBy: 'ORDER BY "Event"."startsAt", "Event".id' };
}

export async function listSelectedEvents(ctx: ServiceContext, selection: EventSelection, limit: number | undefined): Promise<Listing<EventRow>> {
  return readPage(ctx, eventListQuery(whereOf(selection)), limit);
}

/** A client's events, as their list shows them, in the order of their contracts. */
export async function eventsOfClient(ctx: ServiceContext, clientId: number): Promise<EventRow[]> {
  const query = eventListQuery(whereOf({ now: ctx.clock.now(), clientId }));
  return (await readPage<EventRow>(ctx, { ...query, orderBy: 'ORDER BY "Event"."contractId"' }, undefined)).rows;
}

/** Every event the filters match, in the list's order, to the sink (lib/services/batches.ts). */
export async function eachEventBatch(ctx: ServiceContext, filters: EventFilters, sink: BatchSink<EventRow>): Promise<void> {
  await eachBatch(ctx, eventListQuery(whereOf(await eventSelection(ctx, filters))), sink);
}

function loadEvent(ctx: ServiceContext, ref: string): Promise<Event> {
  return findEvent(ctx, ref, details());
}

/** After a write: the row and its contacts as they are now, in one query. */
async function reloaded(ctx: ServiceContext, event: Event): Promise<EventRow> {
  return eventRow(await event.reload({ include: details(), transaction: ctx.transaction }));
}

export interface EventDetails {
  event: EventRow;
  client: ClientRow;
}

/**
 * An event with its client's contact details: support staff need them to run it. Each is read
 * as its list reads it, plain rows from statements their connection keeps prepared: one query
 * of the event with all its associations took several times as long to plan and to build
 * Sequelize instances from.
 */
export async function showEvent(ctx: ServiceContext, ref: string): Promise<EventDetails> {
  assertAllowed(ctx.actor, 'event.show');
  const id = await eventIdOf(ctx, ref);
  const [event] = (await readPage<EventRow>(ctx, eventListQuery({ id }), undefined)).rows;
  if (!event) throw new NotFound(`no event #${id}`);
  // Read in a statement of its own: deleted meanwhile with its event, it is not found either.
  const client = event.clientId === null ? undefined : await readClientRow(ctx, event.clientId);
  if (!client) throw new NotFound(`no event #${id}`);
  return { event, client };
}

export interface EventInput {
  name?: unknown;
  start?: unknown;
  end?: unknown;
  location?: unknown;
  attendees?: unknown;
  notes?: unknown;
}

type EventFields = Partial<Pick<Event, 'name' | 'startsAt' | 'endsAt' | 'location' | 'attendees' | 'notes'>>;

function cleanEventFields(input: EventInput, partial: boolean): EventFields {
  const out: EventFields = {};
  const wanted = (value: unknown) => value !== undefined || !partial;
  if (wanted(input.name)) out.name = text('name', input.name, NAME_MAX);
  if (wanted(input.start)) out.startsAt = dateTime('start', input.start);
  if (wanted(input.end)) out.endsAt = dateTime('end', input.end);
  if (wanted(input.location)) out.location = text('location', input.location, LOCATION_MAX);
  if (wanted(input.attendees)) out.attendees = wholeNumber('attendees', input.attendees, 0, MAX_ATTENDEES);
  if (input.notes !== undefined) out.notes = optionalText('notes', input.notes, NOTES_MAX, { multiline: true });
  return out;
}

function assertEndsAfterStart(startsAt: Date, endsAt: Date): void {
  if (endsAt <= startsAt) throw new ValidationError('end', 'must be after the start');
}

/** Names are unique whatever their case and accents, as the events_name_unique index on epic_fold(name) says. */
async function assertNameFree(ctx: ServiceContext, name: string, exceptId?: number): Promise<void> {
  const clash = await Event.findOne({ where: namedCondition('event', name), transaction: ctx.transaction });
  if (clash && clash.id !== exceptId) throw new ValidationError('name', `an event named "${clash.name}" already exists (#${clash.id}): event names must be unique`);
}

/** Sales create the event of a signed contract of one of their clients. */
export async function createEvent(ctx: ServiceContext, input: EventInput & { contract: string }): Promise<EventRow> {
  assertAllowed(ctx.actor, 'event.create');
  const contract = await findContract(ctx, input.contract);
  const client = await Client.findByPk(contract.clientId, { transaction: ctx.transaction, rejectOnEmpty: true });
  assertAllowed(ctx.actor, 'event.create', { salesContactId: client.salesContactId });
  if (!contract.signed) throw new ValidationError('contract', `contract #${contract.id} is not signed yet: an event needs a signed contract`);
  const existing = await Event.findOne({ where: { contractId: contract.id }, transaction: ctx.transaction });
  if (existing) throw new ValidationError('contract', `contract #${contract.id} already has an event ("${existing.name}", #${existing.id})`);
  const fields = cleanEventFields(input, false);
  assertEndsAfterStart(fields.startsAt!, fields.endsAt!);
  await assertNameFree(ctx, fields.name!);
  const event = await Event.create({ ...fields, contractId: contract.id }, { transaction: ctx.transaction });
  return reloaded(ctx, event);
}

export async function updateEvent(ctx: ServiceContext, ref: string, input: EventInput): Promise<EventRow> {
  assertAllowed(ctx.actor, 'event.update');
  const event = await loadEvent(ctx, ref);
  assertAllowed(ctx.actor, 'event.update', ownership(event));
  const fields = cleanEventFields(input, true);
  if (Object.keys(fields).length === 0) {
    throw new ValidationError(undefined, 'nothing to change: give --name, --start, --end, --location, --attendees or --notes');
  }
  assertEndsAfterStart(fields.startsAt ?? event.startsAt, fields.endsAt ?? event.endsAt);
  if (fields.name) await assertNameFree(ctx, fields.name, event.id);
  await event.update(fields, { transaction: ctx.transaction });
  return reloaded(ctx, event);
}

export async function assignSupport(ctx: ServiceContext, ref: string, supportRef: string): Promise<EventRow> {
  assertAllowed(ctx.actor, 'event.assign');
  const event = await loadEvent(ctx, ref);
  const support = await findCollaboratorWithRole(ctx, supportRef, 'support', 'support');
  await event.update({ supportContactId: support.id }, { transaction: ctx.transaction });
  return reloaded(ctx, event);
}

export async function unassignSupport(ctx: ServiceContext, ref: string): Promise<EventRow> {
  assertAllowed(ctx.actor, 'event.unassign');
  const event = await loadEvent(ctx, ref);
  if (event.supportContactId === null) throw new ValidationError(undefined, `event "${event.name}" has no support contact`);
  await event.update({ supportContactId: null }, { transaction: ctx.transaction });
  return reloaded(ctx, event);
}

async function deletableEvent(ctx: ServiceContext, ref: string): Promise<Event> {
  assertAllowed(ctx.actor, 'event.delete');
  const event = await loadEvent(ctx, ref);
  assertAllowed(ctx.actor, 'event.delete', ownership(event));
  return event;
}

/** What a deletion's confirmation names. */
export async function eventToDelete(ctx: ServiceContext, ref: string): Promise<EventRow> {
  return eventRow(await deletableEvent(ctx, ref));
}

export async function deleteEvent(ctx: ServiceContext, ref: string): Promise<EventRow> {
  const event = await deletableEvent(ctx, ref);
  const row = eventRow(event);
  await event.destroy({ transaction: ctx.transaction });
  return row;
}
