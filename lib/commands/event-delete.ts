import { deleteEvent } from '../services/events';
import { arg } from './shared';
import type { CommandSpec } from './types';

export const eventDelete: CommandSpec = {
  name: 'event delete',
  summary: 'delete an event',
  availability: { when: 'permitted', action: 'event.delete' },
  args: [{ name: 'event', required: true, rest: true, complete: 'event' }],
  confirm: (input) => `Delete event ${input.args.event}?`,
  run: async (ctx, input) => {
    const event = await ctx.as((s) => deleteEvent(s, arg(input, 'event')));
    return { message: `Deleted event #${event.id} ${event.name}` };
  },
};
