import { addDays } from 'date-fns/addDays';
import { addWeeks } from 'date-fns/addWeeks';
import { startOfDay } from 'date-fns/startOfDay';
import { startOfWeek } from 'date-fns/startOfWeek';
import type { ServiceContext } from '../db/context';
import { assertAllowed, scopeOf, type Scope } from '../permissions';
import type { Role } from '../roles';
import { listClients } from './clients';
import { amountDueOf, listContracts } from './contracts';
import { listEvents } from './events';
import type { ClientRow, ContractRow, EventRow, Listing } from './rows';

/**
 * Each collaborator's day at a glance (README, "The agenda"): a few sections of what their
 * role is responsible for, each a short list with its count. Every section is a query the list
 * commands already run, with the filters of that list: the agenda adds no rule of its own.
 */

/** Rows shown per section: the count says how many there are, the list command shows them all. */
export const AGENDA_ROWS = 5;
export const DEFAULT_AGENDA_DAYS = 7;
/** Clients not contacted for this many days are due a follow-up. */
export const FOLLOW_UP_DAYS = 30;

export type AgendaSection =
  | { key: 'upcoming' | 'unassigned'; total: number; rows: EventRow[] }
  /** From Monday midnight to the next (local time). */
  | { key: 'thisWeek'; total: number; rows: EventRow[]; from: Date; to: Date }
  | { key: 'unsigned'; total: number; rows: ContractRow[] }
  | { key: 'due'; total: number; rows: ContractRow[]; amountDue: string }
  | { key: 'notContacted'; total: number; rows: ClientRow[] };

export type SectionKey = AgendaSection['key'];

export interface Agenda {
  collaborator: string;
  role: Role;
  /** Whose records the agenda shows (the permission table's scope of `agenda.show`). */
  scope: Scope;
  /** Upcoming events are those not over at `now` that start before `until`. */
  now: Date;
  until: Date;
  days: number;
  sections: AgendaSection[];
}

/** What each role's day opens with, in this order. */
const SECTIONS: Record<Role, SectionKey[]> = {
  support: ['upcoming'],
  sales: ['upcoming', 'unsigned', 'due', 'notContacted'],
  management: ['unassigned', 'unsigned', 'due', 'thisWeek'],
};

interface Window {
  /** Only the actor's own records (`--mine`): their clients' for sales, the events they run for support. */
  mine: boolean;
  now: Date;
  until: Date;
}

const limit = AGENDA_ROWS;

type Reader = (ctx: ServiceContext, w: Window) => Promise<AgendaSection>;

const section = <K extends SectionKey, T>(key: K, listing: Listing<T>) => ({ key, total: listing.total, rows: listing.rows });

const READERS: Record<SectionKey, Reader> = {
  upcoming: async (ctx, w) => section('upcoming', await listEvents(ctx, { mine: w.mine, upcoming: true, to: w.until, limit })),
  unassigned: async (ctx, w) => section('unassigned', await listEvents(ctx, { unassigned: true, upcoming: true, to: w.until, limit })),
  thisWeek: async (ctx, w) => {
    const from = startOfWeek(w.now, { weekStartsOn: 1 });
    const to = addWeeks(from, 1);
    return { ...section('thisWeek', await listEvents(ctx, { from, to, limit })), from, to };
  },
  unsigned: async (ctx, w) => section('unsigned', await listContracts(ctx, { mine: w.mine, signed: false, limit })),
  due: async (ctx, w) => {
    const filters = { mine: w.mine, signed: true, paid: false };
    return { ...section('due', await listContracts(ctx, { ...filters, limit })), amountDue: await amountDueOf(ctx, filters) };
  },
  notContacted: async (ctx, w) => section('notContacted', await listClients(ctx, { mine: w.mine, notContactedSince: String(FOLLOW_UP_DAYS), limit })),
};

/** The agenda of the acting collaborator: today and the next `days` days. */
export async function agendaOf(ctx: ServiceContext, options: { days?: number } = {}): Promise<Agenda> {
  assertAllowed(ctx.actor, 'agenda.show');
  const { role, fullName } = ctx.actor;
  const days = options.days ?? DEFAULT_AGENDA_DAYS;
  const now = ctx.clock.now();
  const until = startOfDay(addDays(now, days + 1));
  const scope = scopeOf(role, 'agenda.show')!;
  const window: Window = { mine: scope !== 'any', now, until };
  const sections: AgendaSection[] = [];
  for (const key of SECTIONS[role]) sections.push(await READERS[key](ctx, window));
  return { collaborator: fullName, role, scope, now, until, days, sections };
}
