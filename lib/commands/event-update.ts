import { EVENT_COLUMNS } from '../output/columns';
import { updateEvent } from '../services/events';
import { EVENT_DETAIL_OPTIONS, eventDetails } from './event-fields';
import { arg, recordResult } from './shared';
import type { CommandSpec } from './types';

export const eventUpdate: CommandSpec = {
  name: 'event update',
  summary: "change an event's details",
  availability: { when: 'permitted', action: 'event.update' },
  args: [{ name: 'event', required: true, rest: true, complete: 'event' }],
  options: EVENT_DETAIL_OPTIONS,
  run: async (ctx, input) => {
    const event = await ctx.as((s) => updateEvent(s, arg(input, 'event'), eventDetails(input)));
    return recordResult(event, EVENT_COLUMNS, `Updated event #${event.id} ${event.name}`);
  },
};
