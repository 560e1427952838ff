import { EVENT_COLUMNS } from '../output/columns';
import { unassignSupport } from '../services/events';
import { arg, recordResult } from './shared';
import type { CommandSpec } from './types';

export const eventUnassign: CommandSpec = {
  name: 'event unassign',
  summary: "remove an event's support contact",
  availability: { when: 'permitted', action: 'event.unassign' },
  args: [{ name: 'event', required: true, rest: true, complete: 'event' }],
  run: async (ctx, input) => {
    const event = await ctx.as((s) => unassignSupport(s, arg(input, 'event')));
    return recordResult(event, EVENT_COLUMNS, `Event #${event.id} ${event.name} has no support contact now`);
  },
};
