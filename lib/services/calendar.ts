import type { ServiceContext } from '../db/context';
import { selectRows } from '../db/context';
import { eventSelection, listSelectedEvents, selects, type EventFilters } from './events';
import { deletedEvents, type DeletedEvent } from './history';
import type { EventRow, Listing } from './rows';

/**
 * The events of `event list` as a calendar (README, "Calendar export"): the selected events,
 * the id that makes their UIDs unique to this database, and the events deleted since that the
 * same filters select, so that a calendar which imported them learns they are cancelled.
 */
export interface Calendar extends Listing<EventRow> {
  /** This installation's id (table `installation`): UIDs are `event-<id>@<calendarId>`. */
  calendarId: string;
  cancelled: DeletedEvent[];
}

export async function eventCalendar(ctx: ServiceContext, filters: EventFilters = {}): Promise<Calendar> {
  const selection = await eventSelection(ctx, filters);
  const listing = await listSelectedEvents(ctx, selection, filters.limit);
  const [{ calendarId }] = await selectRows<{ calendarId: string }>(ctx, 'SELECT "calendarId" FROM installation');
  const cancelled = (await deletedEvents(ctx)).filter((event) => selects(selection, event));
  return { ...listing, calendarId, cancelled };
}
