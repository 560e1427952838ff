import { selectRows, type ServiceContext, type Tx } from '../db/context';
import { NotFound } from '../errors';
import { assertAllowed, type Action } from '../permissions';
import { findClient, findCollaborator, findContract, findEvent } from './lookup';
import type { Listing } from './rows';

/**
 * Reading the record history the database writes (README, "History and contact log"): one row
 * per changed field, newest first, with values as people read them: amounts in euros, dates
 * as dates, collaborators and clients by name.
 */

type RecordTable = 'clients' | 'contracts' | 'events' | 'collaborators' | 'client_contacts';

export interface HistoryRow {
  at: Date;
  /** Who made the change; null for the database administrator (or a migration). */
  by: string | null;
  record: string;
  action: 'created' | 'changed' | 'deleted';
  field: string | null;
  old: string | number | boolean | Date | null;
  new: string | number | boolean | Date | null;
}

const ACTIONS = { insert: 'created', update: 'changed', delete: 'deleted' } as const;

const NOUNS: Record<RecordTable, string> = {
  clients: 'client',
  contracts: 'contract',
  events: 'event',
  collaborators: 'collaborator',
  client_contacts: 'contact',
};

/** Column names as the commands call them (the options that set them). */
const FIELD_NAMES: Record<string, string> = {
  fullName: 'name',
  companyName: 'company',
  salesContactId: 'sales contact',
  supportContactId: 'support',
  collaboratorId: 'by',
  clientId: 'client',
  contractId: 'contract',
  totalAmount: 'total €',
  amountDue: 'due €',
  signedAt: 'signed at',
  startsAt: 'start',
  endsAt: 'end',
  mustChangePassword: 'must change password',
};
const DATES = new Set(['signedAt', 'startsAt', 'endsAt', 'at']);
const BOOLEANS = new Set(['signed', 'mustChangePassword']);
const NAMED = new Set(['salesContactId', 'supportContactId', 'collaboratorId', 'clientId']);

interface Stored {
  at: Date;
  actorName: string | null;
  recordTable: RecordTable;
  recordId: number;
  recordName: string | null;
  action: keyof typeof ACTIONS;
  field: string | null;
  change: { old?: unknown; new?: unknown; oldName?: string; newName?: string; changed?: boolean } | null;
  total: string;
}

function shown(field: string, value: unknown, name: string | undefined): HistoryRow['old'] {
  if (value === undefined || value === null) return null;
  if (NAMED.has(field)) return name ?? `#${String(value)}`;
  if (field === 'contractId') return `#${String(value)}`;
  if (DATES.has(field)) return new Date(String(value));
  if (BOOLEANS.has(field)) return Boolean(value);
  return value as string | number;
}

function row(stored: Stored): HistoryRow {
  const { field, change } = stored;
  const record = `${NOUNS[stored.recordTable]} ${stored.recordName ?? `#${stored.recordId}`}`;
  const base = { at: stored.at, by: stored.actorName, record, action: ACTIONS[stored.action] };
  if (field === null || change === null) return { ...base, field: null, old: null, new: null };
  // A password is never stored, only the fact that it changed.
  if (change.changed) return { ...base, field, old: null, new: 'changed' };
  return { ...base, field: FIELD_NAMES[field] ?? field, old: shown(field, change.old, change.oldName), new: shown(field, change.new, change.newName) };
}

// Amounts are read as the text jsonb keeps ("1500.00"), not as floating-point numbers.
const SELECT = `
  SELECT h."at", h."actorName", h."recordTable", h."recordId", h."recordName", h.action, c.key AS field,
         CASE WHEN c.key IN ('totalAmount', 'amountDue') THEN jsonb_build_object('old', c.value ->> 'old', 'new', c.value ->> 'new')
              ELSE c.value END AS change,
         count(*) OVER () AS total
    FROM history h LEFT JOIN LATERAL jsonb_each(h.changes) c ON true`;

/** Rows matching `where`, whose $1, $2… are `bind`, newest first. */
async function read(ctx: Tx, where: string, bind: unknown[], limit: number | undefined): Promise<Listing<HistoryRow>> {
  const sql = `${SELECT} WHERE ${where} ORDER BY h."at" DESC, h.id DESC, c.key LIMIT $${bind.length + 1}`;
  const stored = await selectRows<Stored>(ctx, sql, [...bind, limit ?? null]);
  return { rows: stored.map(row), total: Number(stored[0]?.total ?? 0) };
}

/**
 * The id a reference names; for a deleted record, an id that still has history (its name
 * went with it, so only the id finds it).
 */
async function recordId(ctx: Tx, table: RecordTable, ref: string, find: () => Promise<{ id: number }>): Promise<number> {
  try {
    return (await find()).id;
  } catch (error) {
    const id = /^#?(\d{1,9})$/.exec(ref.trim());
    if (!(error instanceof NotFound) || !id) throw error;
    const [kept] = await selectRows(ctx, `SELECT 1 FROM history WHERE "recordTable" = $1 AND "recordId" = $2 LIMIT 1`, [table, Number(id[1])]);
    if (!kept) throw error;
    return Number(id[1]);
  }
}

const FINDERS = {
  clients: ['client.history', findClient],
  contracts: ['contract.history', findContract],
  events: ['event.history', findEvent],
  collaborators: ['collaborator.history', findCollaborator],
} as const satisfies Record<string, [Action, (ctx: Tx, ref: string) => Promise<{ id: number }>]>;

/** The history of one client, contract, event or collaborator, deleted or not. */
export async function recordHistory(ctx: ServiceContext, table: keyof typeof FINDERS, ref: string, limit?: number): Promise<Listing<HistoryRow>> {
  const [action, find] = FINDERS[table];
  assertAllowed(ctx.actor, action);
  const id = await recordId(ctx, table, ref, () => find(ctx, ref));
  return read(ctx, `h."recordTable" = $1 AND h."recordId" = $2`, [table, id], limit);
}

export interface ActivityFilters {
  since?: Date;
  /** Exclusive: the command makes a day alone mean up to the end of that day. */
  until?: Date;
  limit?: number;
}

/** What one collaborator changed, between two local dates (a day alone includes that day). */
export async function activity(ctx: ServiceContext, by: string, filters: ActivityFilters = {}): Promise<Listing<HistoryRow>> {
  assertAllowed(ctx.actor, 'collaborator.activity');
  const actorId = await recordId(ctx, 'collaborators', by, () => findCollaborator(ctx, by));
  return read(ctx, `h."actorId" = $1 AND ($2::timestamptz IS NULL OR h."at" >= $2) AND ($3::timestamptz IS NULL OR h."at" < $3)`, [actorId, filters.since ?? null, filters.until ?? null], filters.limit);
}

/** An event as it was when it was deleted, from the history the deletion left. */
export interface DeletedEvent {
  id: number;
  name: string;
  startsAt: Date;
  endsAt: Date;
  location: string | null;
  supportContactId: number | null;
  /** Its client and their sales contact, while its contract still exists. */
  clientId: number | null;
  salesContactId: number | null;
  deletedAt: Date;
  /** How many changes its history holds, the deletion included: more than any version it had. */
  changes: number;
}

/** Every deleted event, soonest first. */
export async function deletedEvents(ctx: ServiceContext): Promise<DeletedEvent[]> {
  assertAllowed(ctx.actor, 'event.history');
  const rows = await selectRows<DeletedEvent & { changes: string }>(
    ctx,
    `SELECT h."recordId" AS id, h."recordName" AS name,
            (h.changes #>> '{startsAt,old}')::timestamptz AS "startsAt", (h.changes #>> '{endsAt,old}')::timestamptz AS "endsAt",
            h.changes #>> '{location,old}' AS location, (h.changes #>> '{supportContactId,old}')::int AS "supportContactId",
            k."clientId", c."salesContactId", h."at" AS "deletedAt",
            (SELECT count(*) FROM history u WHERE u."recordTable" = 'events' AND u."recordId" = h."recordId") AS changes
       FROM history h
       LEFT JOIN contracts k ON k.id = (h.changes #>> '{contractId,old}')::int
       LEFT JOIN clients c ON c.id = k."clientId"
      WHERE h."recordTable" = 'events' AND h.action = 'delete'
      ORDER BY 3, 1`,
  );
  return rows.map((row) => ({ ...row, changes: Number(row.changes) }));
}
