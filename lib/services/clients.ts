import { Op, type WhereOptions } from 'sequelize';
import type { ServiceContext } from '../db/context';
import { NotFound, ValidationError } from '../errors';
import { assertAllowed, mineScope } from '../permissions';
import { Client, Contract, salesContactNamed } from '../../models';
import { contactsOf, followUpSince, notContactedSince, type ContactRow } from './contacts';
import { clientIdOf, clientSearchPage, clientsMatching, filterCollaborator, findClient, findCollaboratorWithRole, type ClientSearch } from './lookup';
import { clientRow, type ClientRow, type ContractRow, type EventRow, type Listing } from './rows';
import { eachBatch, type BatchSink } from './batches';
import { contractsOfClient } from './contracts';
import { eventsOfClient } from './events';
import { clientListQuery, readClientRow } from './client-query';
import { readPage, readSearchPage } from './page';
import { email, escapeLike, NAME_MAX, optionalText, phone, phoneSearchDigits, text } from './validation';

export interface ClientFilters {
  mine?: boolean;
  search?: string;
  sales?: string;
  /** Days (`30`) or a local date: clients with no interaction since. */
  notContactedSince?: string;
  limit?: number;
}


/** What a client list is narrowed to: its text search apart from the rest (a search's page is read its own way, readSearchPage). */
interface ClientConditions {
  /** Every condition but the search's. */
  others: WhereOptions[];
  search?: ClientSearch;
  /**
   * Set when `others` narrow the list to one salesperson at most (--mine, --sales): the search's
   * function then narrows its matches the same way, and may stop at a number of them that are all
   * in the list. Unset when they narrow it otherwise (--not-contacted-since, a name that several
   * salespeople share).
   */
  capping?: { salesContactId?: number };
}

async function clientConditions(ctx: ServiceContext, filters: ClientFilters): Promise<ClientConditions> {
  assertAllowed(ctx.actor, 'client.list');
  const owners: (number | number[])[] = [];
  if (filters.mine) {
    mineScope(ctx.actor, 'client');
    owners.push(ctx.actor.id);
  }
  if (filters.sales !== undefined) owners.push(await filterCollaborator(ctx, filters.sales, 'sales', 'sales'));
  const others: WhereOptions[] = owners.map((salesContactId) => ({ salesContactId }));
  let search: ClientSearch | undefined;
  if (filters.search !== undefined) {
    if (typeof filters.search !== 'string' || filters.search.trim() === '') throw new ValidationError('search', 'expected some text to look for');
    // Phones are stored as +33612345678: `06 12 34 56 78` is looked for as its digits.
    const digits = phoneSearchDigits(filters.search);
    search = { pattern: `%${escapeLike(filters.search.trim())}%`, phonePattern: digits ? `%${digits}%` : null };
  }
  if (filters.notContactedSince !== undefined) others.push(notContactedSince(followUpSince(filters.notContactedSince, ctx.clock.now())));
  const single = owners.filter((owner): owner is number => typeof owner === 'number');
  // Two single salespeople are either the same one or none: either way the first narrows as both do.
  const capping = single.length === owners.length && filters.notContactedSince === undefined ? { salesContactId: single[0] } : undefined;
  return { others, search, capping };
}

const all = (conditions: WhereOptions[]): WhereOptions => ({ [Op.and]: conditions });

export async function listClients(ctx: ServiceContext, filters: ClientFilters = {}): Promise<Listing<ClientRow>> {
  const { others, search, capping } = await clientConditions(ctx, filters);
  const { limit } = filters;
  if (!search) return readPage(ctx, clientListQuery(all(others)), limit);
  if (!capping || limit === undefined) return readPage(ctx, clientListQuery(all([...others, clientsMatching(search)]), { search: true }), limit);
  return readSearchPage(ctx, (enough) => clientListQuery(all(others), { searchPage: clientSearchPage(search, capping.salesContactId, enough, limit) }), limit);
}

/**
 * Every client the filters match, in the list's order (the index on the stored folded name), to
 * the sink: the text of one COPY, or plain rows a batch at a time (lib/services/batches.ts).
 */
export async function eachClientBatch(ctx: ServiceContext, filters: ClientFilters, sink: BatchSink<ClientRow>): Promise<void> {
  const { others, search } = await clientConditions(ctx, filters);
  await eachBatch(ctx, clientListQuery(all(search ? [...others, clientsMatching(search)] : others)), sink);
}

export interface ClientDetails {
  client: ClientRow;
  contracts: ContractRow[];
  events: EventRow[];
  recentContacts: ContactRow[];
}

const RECENT_CONTACTS = 5;

/** A client with its contracts, their events and the latest interactions, each read as its own list reads it. */
export async function showClient(ctx: ServiceContext, ref: string): Promise<ClientDetails> {
  assertAllowed(ctx.actor, 'client.show');
  const id = await clientIdOf(ctx, ref);
  const client = await readClientRow(ctx, id);
  if (!client) throw new NotFound(`no client #${id}`);
  return {
    client,
    contracts: await contractsOfClient(ctx, id),
    events: await eventsOfClient(ctx, id),
    recentContacts: (await contactsOf(ctx, client, RECENT_CONTACTS)).rows,
  };
}

export interface ClientInput {
  fullName?: unknown;
  email?: unknown;
  phone?: unknown;
  companyName?: unknown;
}

function cleanClientFields(input: ClientInput, partial: boolean): Partial<Pick<Client, 'fullName' | 'email' | 'phone' | 'companyName'>> {
  const out: Partial<Pick<Client, 'fullName' | 'email' | 'phone' | 'companyName'>> = {};
  const has = (value: unknown) => value !== undefined;
  if (has(input.fullName) || !partial) out.fullName = text('name', input.fullName, NAME_MAX);
  if (has(input.email) || !partial) out.email = email(input.email);
  if (has(input.phone) || !partial) out.phone = phone(input.phone);
  if (has(input.companyName)) out.companyName = optionalText('company', input.companyName, NAME_MAX);
  return out;
}

/** After a write: the row and its sales contact as they are now, in one query. */
async function reloaded(ctx: ServiceContext, client: Client): Promise<ClientRow> {
  return clientRow(await client.reload({ include: salesContactNamed(), transaction: ctx.transaction }));
}

/** The creating salesperson becomes the sales contact (README, "Who may do what"). */
export async function createClient(ctx: ServiceContext, input: ClientInput): Promise<ClientRow> {
  assertAllowed(ctx.actor, 'client.create');
  const fields = cleanClientFields(input, false);
  const client = await Client.create({ ...fields, salesContactId: ctx.actor.id }, { transaction: ctx.transaction });
  return reloaded(ctx, client);
}

export async function updateClient(ctx: ServiceContext, ref: string, input: ClientInput): Promise<ClientRow> {
  assertAllowed(ctx.actor, 'client.update');
  const client = await findClient(ctx, ref, salesContactNamed());
  assertAllowed(ctx.actor, 'client.update', client);
  const fields = cleanClientFields(input, true);
  if (Object.keys(fields).length === 0) throw new ValidationError(undefined, 'nothing to change: give --name, --email, --phone or --company');
  await client.update(fields, { transaction: ctx.transaction });
  return clientRow(client);
}

async function deletableClient(ctx: ServiceContext, ref: string): Promise<Client> {
  assertAllowed(ctx.actor, 'client.delete');
  const client = await findClient(ctx, ref, salesContactNamed());
  assertAllowed(ctx.actor, 'client.delete', client);
  return client;
}

/** What a deletion's confirmation names: the client found, and its contracts (which forbid it). */
export async function clientToDelete(ctx: ServiceContext, ref: string): Promise<{ client: ClientRow; contracts: number }> {
  const client = await deletableClient(ctx, ref);
  return { client: clientRow(client), contracts: await Contract.count({ where: { clientId: client.id }, transaction: ctx.transaction }) };
}

export async function deleteClient(ctx: ServiceContext, ref: string): Promise<ClientRow> {
  const client = await deletableClient(ctx, ref);
  const row = clientRow(client);
  await client.destroy({ transaction: ctx.transaction });
  return row;
}

export async function reassignClient(ctx: ServiceContext, ref: string, to: string): Promise<ClientRow> {
  assertAllowed(ctx.actor, 'client.reassign');
  const client = await findClient(ctx, ref);
  const target = await findCollaboratorWithRole(ctx, to, 'sales', 'to');
  await client.update({ salesContactId: target.id }, { transaction: ctx.transaction });
  return reloaded(ctx, client);
}
