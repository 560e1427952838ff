import type { Client, Collaborator, Contract, Event } from '../../models';

/**
 * The plain data services return: no model instances leave the services, so tests and the
 * output module deal with data, and no password hash can reach a screen by accident.
 */

/** After too many failures in a row the database locks an account with no end ('infinity'). */
export const UNTIL_RESET = 'until a manager resets the password';

export interface CollaboratorRow {
  id: number;
  fullName: string;
  email: string;
  role: string;
  mustChangePassword: boolean;
  /** A time, or UNTIL_RESET when only a manager can unlock the account. */
  lockedUntil: Date | typeof UNTIL_RESET | null;
  createdAt: Date;
}

export interface ClientRow {
  id: number;
  fullName: string;
  email: string;
  phone: string;
  companyName: string | null;
  salesContactId: number;
  salesContact: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** The latest logged interaction, where the query read it (lists and show). */
  lastContactAt?: Date | null;
}

export interface ContractRow {
  id: number;
  clientId: number;
  client: string | null;
  salesContactId: number | null;
  salesContact: string | null;
  totalAmount: string;
  amountDue: string;
  signed: boolean;
  signedAt: Date | null;
  createdAt: Date;
}

export interface EventRow {
  id: number;
  name: string;
  contractId: number;
  clientId: number | null;
  client: string | null;
  /** How to reach the client: support staff call them on the day. */
  clientPhone: string | null;
  clientEmail: string | null;
  salesContact: string | null;
  supportContactId: number | null;
  supportContact: string | null;
  startsAt: Date;
  endsAt: Date;
  location: string;
  attendees: number;
  notes: string | null;
  updatedAt: Date;
  /** Counts the changes made through the application: a calendar's SEQUENCE. */
  version: number;
}

export interface Listing<T> {
  rows: T[];
  total: number;
  /** There are more than `total` (lib/services/page.ts): "1,000+". */
  atLeast?: boolean;
}

/** The same listing, its rows turned into plain data. */
export function mapListing<T, U>(listing: Listing<T>, map: (row: T) => U): Listing<U> {
  return { ...listing, rows: listing.rows.map(map) };
}

export function collaboratorRow(c: Collaborator): CollaboratorRow {
  return {
    id: c.id,
    fullName: c.fullName,
    email: c.email,
    role: c.role,
    mustChangePassword: c.mustChangePassword,
    // 'infinity' arrives as the number Infinity (or an invalid Date), not as a time.
    lockedUntil: c.lockedUntil === null || (c.lockedUntil instanceof Date && Number.isFinite(c.lockedUntil.getTime())) ? c.lockedUntil : UNTIL_RESET,
    createdAt: c.createdAt,
  };
}

export function clientRow(c: Client): ClientRow {
  const lastContactAt = c.get('lastContactAt') as Date | null | undefined;
  return {
    id: c.id,
    fullName: c.fullName,
    email: c.email,
    phone: c.phone,
    companyName: c.companyName,
    salesContactId: c.salesContactId,
    salesContact: c.salesContact?.fullName ?? null,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    ...(lastContactAt !== undefined && { lastContactAt }),
  };
}

export function contractRow(k: Contract): ContractRow {
  return {
    id: k.id,
    clientId: k.clientId,
    client: k.client?.fullName ?? null,
    salesContactId: k.client?.salesContactId ?? null,
    salesContact: k.client?.salesContact?.fullName ?? null,
    totalAmount: k.totalAmount,
    amountDue: k.amountDue,
    signed: k.signed,
    signedAt: k.signedAt,
    createdAt: k.createdAt,
  };
}

export function eventRow(e: Event): EventRow {
  const client = e.contract?.client;
  return {
    id: e.id,
    name: e.name,
    contractId: e.contractId,
    clientId: client?.id ?? null,
    client: client?.fullName ?? null,
    clientPhone: client?.phone ?? null,
    clientEmail: client?.email ?? null,
    salesContact: client?.salesContact?.fullName ?? null,
    supportContactId: e.supportContactId,
    supportContact: e.supportContact?.fullName ?? null,
    startsAt: e.startsAt,
    endsAt: e.endsAt,
    location: e.location,
    attendees: e.attendees,
    notes: e.notes,
    updatedAt: e.updatedAt,
    version: e.version,
  };
}
