import { Op, type WhereOptions } from 'sequelize';
import type { ServiceContext } from '../db/context';
import { NotFound, ValidationError } from '../errors';
import { assertAllowed, mineScope } from '../permissions';
import { Client, Contract, salesContactNamed } from '../../models';
import { contactsOf, followUpSince, LAST_CONTACT_AT, notContactedSince, type ContactRow } from './contacts';
import { clientIdOf, clientsMatching, filterCollaborator, findClient, findCollaboratorWithRole } from './lookup';
import { clientRow, type ClientRow, type ContractRow, type EventRow, type Listing } from './rows';
import { eachBatch } from './batches';
import { contractsOfClient } from './contracts';
import { eventsOfClient } from './events';
import { readPage } from './page';
import type { ListQuery } from './list-query';
import { email, escapeLike, NAME_MAX, optionalText, phone, phoneSearchDigits, text } from './validation';

export interface ClientFilters {
  mine?: boolean;
  search?: string;
  sales?: string;
  /** Days (`30`) or a local date: clients with no interaction since. */
  notContactedSince?: string;
  limit?: number;
}


async function clientConditions(ctx: ServiceContext, filters: ClientFilters): Promise<WhereOptions> {
  assertAllowed(ctx.actor, 'client.list');
  const conditions: WhereOptions[] = [];
  if (filters.mine) {
    mineScope(ctx.actor, 'client');
    conditions.push({ salesContactId: ctx.actor.id });
  }
  if (filters.sales !== undefined) conditions.push({ salesContactId: await filterCollaborator(ctx, filters.sales, 'sales', 'sales') });
  if (filters.search !== undefined) {
    if (typeof filters.search !== 'string' || filters.search.trim() === '') throw new ValidationError('search', 'expected some text to look for');
    // Phones are stored as +33612345678: `06 12 34 56 78` is looked for as its digits.
    const digits = phoneSearchDigits(filters.search);
    conditions.push(clientsMatching(`%${escapeLike(filters.search.trim())}%`, digits ? `%${digits}%` : null));
  }
  if (filters.notContactedSince !== undefined) conditions.push(notContactedSince(followUpSince(filters.notContactedSince, ctx.clock.now())));
  return { [Op.and]: conditions };
}

/** The columns of clientRow, with the list's join and its order: alphabetical as people read it, Élodie among the E, not after Z. */
function clientListQuery(where: WhereOptions, search = false): ListQuery {
  const select = `SELECT "Client".id, "Client"."fullName", "Client".email, "Client".phone, "Client"."companyName", "Client"."salesContactId",
           "salesContact"."fullName" AS "salesContact", "Client"."createdAt", "Client"."updatedAt", ${LAST_CONTACT_AT[0].val} AS "lastContactAt"
      FROM clients AS "Client" LEFT JOIN collaborators AS "salesContact" ON "salesContact".id = "Client"."salesContactId"`;
  return { select, model: Client, where, orderBy: 'ORDER BY epic_fold("Client"."fullName"), "Client".id', countedWithPage: search };
}

export async function listClients(ctx: ServiceContext, filters: ClientFilters = {}): Promise<Listing<ClientRow>> {
  return readPage(ctx, clientListQuery(await clientConditions(ctx, filters), filters.search !== undefined), filters.limit);
}

/**
 * Every client the filters match, in the list's order, handed to `write` a batch at a time
 * (lib/services/batches.ts). The folded-name index serves the order; a keyset on the folded
 * name would put epic_fold in the condition, which row-level security keeps from using an index.
 */
export async function eachClientBatch(ctx: ServiceContext, filters: ClientFilters, write: (rows: ClientRow[]) => Promise<void>): Promise<void> {
  await eachBatch(ctx, clientListQuery(await clientConditions(ctx, filters)), write);
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
  const [client] = (await readPage<ClientRow>(ctx, clientListQuery({ id }), undefined)).rows;
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
