import { format as formatDate } from 'date-fns/format';
import { subDays } from 'date-fns/subDays';
import { FOLLOW_UP_DAYS, type Agenda, type AgendaSection, type SectionKey } from '../services/agenda';
import type { Scope } from '../permissions';
import type { Column, Rendered, ReportSection, Row } from './render';

/**
 * The agenda as a report: compact columns that fit 80 terminal columns (the less useful ones
 * leave first on a narrower one), a title and a count per section, and the list command that
 * shows what the agenda leaves out.
 */

const WHEN: Column = { key: 'startsAt', header: 'When', kind: 'date' };

/** Support staff run the event: where, whom to call, how many guests, what to remember. */
const EVENT_TO_RUN: Column[] = [
  WHEN,
  { key: 'name', header: 'Event' },
  { key: 'location', header: 'Where', dropOrder: 3 },
  { key: 'clientPhone', header: 'Phone', kind: 'phone', dropOrder: 4 },
  { key: 'attendees', header: 'Guests', kind: 'number', dropOrder: 1 },
  { key: 'notes', header: 'Notes', dropOrder: 2 },
];

/** Salespeople follow their clients' events, managers everyone's: who runs them, for whom. */
const CLIENT_EVENT: Column[] = [
  WHEN,
  { key: 'name', header: 'Event' },
  { key: 'client', header: 'Client', dropOrder: 3 },
  { key: 'supportContact', header: 'Support', dropOrder: 4 },
  { key: 'location', header: 'Where', dropOrder: 2 },
];

/** A salesperson's own contracts; managers see whose they are. */
const CONTRACT: Column[] = [
  { key: 'id', header: 'ID', kind: 'number' },
  { key: 'client', header: 'Client' },
  { key: 'totalAmount', header: 'Total €', kind: 'money' },
  { key: 'amountDue', header: 'Due €', kind: 'money' },
  { key: 'createdAt', header: 'Created', kind: 'date', dropOrder: 1 },
];
const CONTRACT_WITH_SALES: Column[] = [...CONTRACT.slice(0, 2), { key: 'salesContact', header: 'Sales contact', dropOrder: 2 }, ...CONTRACT.slice(2)];

const CLIENT: Column[] = [
  { key: 'fullName', header: 'Client' },
  { key: 'phone', header: 'Phone', kind: 'phone' },
  { key: 'email', header: 'Email', dropOrder: 1 },
  { key: 'lastContactAt', header: 'Last contact', kind: 'date' },
];

/**
 * Titles and columns follow the agenda's scope in the permission table, not the role's name:
 * `assigned` (support) is what you run, `own` (sales) your clients', `any` (management) everyone's.
 */
type ByScope<T> = T | Partial<Record<Scope, T>>;

interface Shape {
  title: ByScope<string>;
  columns: ByScope<Column[]>;
  /** The list command that shows every row of the section. */
  more: (agenda: Agenda, section: AgendaSection) => string;
}

function forScope<T>(value: ByScope<T>, scope: Scope): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value as T;
  const chosen = (value as Partial<Record<Scope, T>>)[scope];
  // The service shows each scope only the sections written for it.
  if (chosen === undefined) throw new Error(`no agenda section shape for scope ${scope}`);
  return chosen;
}

const day = (date: Date) => formatDate(date, 'yyyy-MM-dd');
/** The last day the window includes (`until` is the midnight after it). */
const lastDay = (agenda: Agenda) => day(subDays(agenda.until, 1));
const mine = (agenda: Agenda) => (agenda.scope === 'any' ? '' : ' --mine');

const SHAPES: Record<SectionKey, Shape> = {
  upcoming: {
    title: { assigned: 'My next events', own: "My clients' upcoming events" },
    columns: { assigned: EVENT_TO_RUN, own: CLIENT_EVENT },
    more: (a) => `event list${mine(a)} --upcoming --to ${lastDay(a)}`,
  },
  unassigned: {
    title: 'Upcoming events without support',
    columns: CLIENT_EVENT.filter((c) => c.key !== 'supportContact'),
    more: (a) => `event list --unassigned --upcoming --to ${lastDay(a)}`,
  },
  thisWeek: {
    title: 'Events this week',
    columns: CLIENT_EVENT,
    more: (_, s) => (s.key === 'thisWeek' ? `event list --from ${day(s.from)} --to ${day(subDays(s.to, 1))}` : 'event list'),
  },
  unsigned: {
    title: { any: 'Unsigned contracts', own: 'My unsigned contracts' },
    columns: { any: CONTRACT_WITH_SALES, own: CONTRACT },
    more: (a) => `contract list${mine(a)} --unsigned`,
  },
  due: {
    title: { any: 'Amounts due on signed contracts', own: 'Amounts due on my signed contracts' },
    columns: { any: CONTRACT_WITH_SALES, own: CONTRACT },
    more: (a) => `contract list${mine(a)} --signed --unpaid`,
  },
  notContacted: {
    title: `Clients not contacted for ${FOLLOW_UP_DAYS} days`,
    columns: CLIENT,
    more: (a) => `client list${mine(a)} --not-contacted-since ${FOLLOW_UP_DAYS}`,
  },
};

/** 1234567.5 → "1,234,567.50": grouped as the rest of the output counts. */
function groupedEuros(amount: string): string {
  const [units, decimals] = amount.split('.');
  return `${units.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${decimals ?? '00'} €`;
}

function reportSection(agenda: Agenda, section: AgendaSection): ReportSection {
  const shape = SHAPES[section.key];
  const due = section.key === 'due' ? section.amountDue : undefined;
  return {
    key: section.key,
    title: forScope(shape.title, agenda.scope),
    columns: forScope(shape.columns, agenda.scope),
    rows: section.rows as unknown as Row[],
    total: section.total,
    more: shape.more(agenda, section),
    ...(due !== undefined && { summary: `${groupedEuros(due)} still due`, fields: { amountDue: due } }),
  };
}

export function agendaReport(agenda: Agenda): Rendered {
  const window = agenda.days === 0 ? 'today' : `today and the next ${agenda.days} day${agenda.days === 1 ? '' : 's'}, to ${formatDate(subDays(agenda.until, 1), 'EEE d MMM')}`;
  return {
    kind: 'report',
    heading: `Agenda of ${agenda.collaborator} (${agenda.role}) · ${formatDate(agenda.now, 'EEE d MMM yyyy HH:mm')}\nUpcoming events: ${window}`,
    fields: { collaborator: agenda.collaborator, role: agenda.role, now: agenda.now, until: agenda.until, days: agenda.days },
    sections: agenda.sections.map((section) => reportSection(agenda, section)),
  };
}
