import { EVENT_COLUMNS } from '../output/columns';
import { unassignSupport } from '../services/events';
import { permitted } from './declare';
import { recordResult } from './shared';

export const eventUnassign = permitted({
  name: 'event unassign',
  summary: "remove an event's support contact",
  args: [{ name: 'event', required: true, rest: true, complete: 'event' }],
  run: async (ctx, { args }) => {
    const event = await ctx.as((s) => unassignSupport(s, args.event));
    return recordResult(event, EVENT_COLUMNS, `Event #${event.id} ${event.name} has no support contact now`);
  },
});
