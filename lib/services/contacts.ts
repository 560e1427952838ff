import { startOfDay } from 'date-fns/startOfDay';
import { subDays } from 'date-fns/subDays';
import { literal } from 'sequelize';
import type { ServiceContext } from '../db/context';
import { ValidationError } from '../errors';
import { assertAllowed } from '../permissions';
import { ClientContact, type Client } from '../../models';
import { findClient } from './lookup';
import { mapListing, type Listing } from './rows';
import { findPage } from './page';
import { dateTime, text } from './validation';

/**
 * The contact log (README, "History and contact log"): calls, emails and meetings with a
 * client. A client's last contact is its latest interaction, not its last edit.
 */

export const CHANNELS = ['phone', 'email', 'meeting'] as const;
type Channel = (typeof CHANNELS)[number];
const NOTE_MAX = 2000;

export interface ContactRow {
  id: number;
  at: Date;
  client: string;
  by: string | null;
  channel: Channel | null;
  note: string;
}

/**
 * Clients of the row being read with no interaction since then (or none at all): their latest,
 * "lastContactAt", kept by the contact log's trigger (migration 20261130001400).
 */
export function notContactedSince(since: Date): ReturnType<typeof literal> {
  const at = ClientContact.sequelize!.escape(since.toISOString());
  return literal(`("Client"."lastContactAt" IS NULL OR "Client"."lastContactAt" < ${at})`);
}

/**
 * `30` is "not since the start of the day 30 days ago"; a date (local time) is "not since
 * then", a day alone meaning from its first minute.
 */
export function followUpSince(value: string, now: Date): Date {
  const raw = value.trim();
  if (/^\d{1,5}$/.test(raw)) return startOfDay(subDays(now, Number(raw)));
  return dateTime('not-contacted-since', raw);
}

function contactRow(contact: ClientContact, client: Client | { fullName: string }): ContactRow {
  return { id: contact.id, at: contact.at, client: client.fullName, by: contact.byName, channel: contact.channel, note: contact.note };
}

function channel(value: unknown): Channel | null {
  if (value === undefined) return null;
  const clean = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (!CHANNELS.includes(clean as Channel)) throw new ValidationError('by', `expected one of ${CHANNELS.join(', ')}, got "${String(value)}"`);
  return clean as Channel;
}

export interface NewContact {
  note: unknown;
  at?: unknown;
  channel?: unknown;
}

/** Logged in the actor's name; an interaction in the future has not happened yet. */
export async function recordContact(ctx: ServiceContext, ref: string, input: NewContact): Promise<ContactRow> {
  assertAllowed(ctx.actor, 'client.contact');
  const client = await findClient(ctx, ref);
  assertAllowed(ctx.actor, 'client.contact', client);
  const now = ctx.clock.now();
  const at = input.at === undefined ? now : dateTime('at', input.at);
  if (at > now) throw new ValidationError('at', 'is in the future: log an interaction once it has happened');
  const contact = await ClientContact.create(
    { clientId: client.id, collaboratorId: ctx.actor.id, at, channel: channel(input.channel), note: text('note', input.note, NOTE_MAX, { multiline: true }) },
    { transaction: ctx.transaction },
  );
  await contact.reload({ transaction: ctx.transaction });
  return contactRow(contact, client);
}

/** A client's interactions, latest first. */
export async function contactsOf(ctx: ServiceContext, client: Pick<Client, 'id' | 'fullName'>, limit?: number): Promise<Listing<ContactRow>> {
  return mapListing(await findPage(ClientContact, {
    where: { clientId: client.id },
    order: [['at', 'DESC'], ['id', 'DESC']],
    limit,
    transaction: ctx.transaction,
  }), (contact) => contactRow(contact, client));
}

export async function listContacts(ctx: ServiceContext, ref: string, limit?: number): Promise<Listing<ContactRow>> {
  assertAllowed(ctx.actor, 'client.contacts');
  return contactsOf(ctx, await findClient(ctx, ref), limit);
}
