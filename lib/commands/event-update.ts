import { EVENT_COLUMNS } from '../output/columns';
import { updateEvent } from '../services/events';
import { permitted } from './declare';
import { EVENT_DETAILS } from './event-fields';
import { recordResult } from './shared';

export const eventUpdate = permitted({
  name: 'event update',
  summary: "change an event's details",
  args: [{ name: 'event', required: true, rest: true, complete: 'event' }],
  options: EVENT_DETAILS,
  run: async (ctx, { args, options }) => {
    const event = await ctx.as((s) => updateEvent(s, args.event, options));
    return recordResult(event, EVENT_COLUMNS, `Updated event #${event.id} ${event.name}`);
  },
});
