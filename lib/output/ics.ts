import ical, { ICalEventStatus, type ICalCalendar } from 'ical-generator';
import { tzlib_get_ical_block, tzlib_get_timezones } from 'timezones-ical-library';
import type { Calendar } from '../services/calendar';
import type { EventRow } from '../services/rows';
import type { Rendered } from './render';

/**
 * An iCalendar file (RFC 5545) of events, written by ical-generator, which escapes text
 * (commas, semicolons, backslashes, line breaks) and folds lines at 75 octets without splitting
 * a character. Times are written in the time zone dates are shown in (`TZ`), with its VTIMEZONE
 * definition from timezones-ical-library, so that a calendar in another zone shows the right
 * hour, and an event after a daylight-saving change keeps its local time.
 */

/** The zone Node reads dates in (TZ, or the system's); UTC when it has no iCalendar definition. */
function localZone(): string | undefined {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const known = tzlib_get_timezones() as string[];
  return zone !== 'UTC' && known.includes(zone) ? zone : undefined;
}

const vtimezone = (zone: string): string | null => {
  const [block] = tzlib_get_ical_block(zone) as string[];
  return block || null;
};

/** What a person reading the event in their calendar needs: whom to call, how many guests, the notes. */
function description(event: EventRow): string {
  const lines = [
    `Client: ${event.client ?? '—'}`,
    `Phone: ${event.clientPhone ?? '—'}`,
    `Email: ${event.clientEmail ?? '—'}`,
    `Attendees: ${event.attendees}`,
    `Support: ${event.supportContact ?? 'none yet'}`,
    `Sales contact: ${event.salesContact ?? '—'}`,
  ];
  return event.notes ? `${lines.join('\n')}\n\nNotes:\n${event.notes}` : lines.join('\n');
}

const uidOf = (calendar: Calendar, id: number) => `event-${id}@${calendar.calendarId}`;

export function icsOf(calendar: Calendar, now: Date): string {
  const zone = localZone();
  const file: ICalCalendar = ical({
    prodId: { company: 'Epic Events', product: 'Epic Events CRM', language: 'EN' },
    name: 'Epic Events',
    // No calendar-wide zone: DTSTAMP and LAST-MODIFIED must stay in UTC. The generator adds
    // the VTIMEZONE of the zone events name.
    timezone: { name: null, generator: vtimezone },
  });
  for (const event of calendar.rows) {
    file.createEvent({
      id: uidOf(calendar, event.id),
      sequence: event.version,
      stamp: now,
      lastModified: event.updatedAt,
      start: event.startsAt,
      end: event.endsAt,
      timezone: zone,
      summary: event.name,
      location: event.location,
      description: description(event),
      status: ICalEventStatus.CONFIRMED,
      x: [{ key: 'X-EPIC-ATTENDEES', value: String(event.attendees) }],
    });
  }
  // A deleted event stays in the file, cancelled, with a higher SEQUENCE than it ever had.
  for (const event of calendar.cancelled) {
    file.createEvent({
      id: uidOf(calendar, event.id),
      sequence: event.changes,
      stamp: now,
      lastModified: event.deletedAt,
      start: event.startsAt,
      end: event.endsAt,
      timezone: zone,
      summary: event.name,
      location: event.location,
      status: ICalEventStatus.CANCELLED,
    });
  }
  return file.toString();
}

/** The calendar as command output: the file's text, counted as a list's rows. */
export function calendarFile(calendar: Calendar, now: Date): Rendered {
  return { kind: 'calendar', ics: icsOf(calendar, now), shown: calendar.rows.length, total: calendar.total, atLeast: calendar.atLeast };
}
