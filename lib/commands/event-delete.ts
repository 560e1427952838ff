import { deleteEvent } from '../services/events';
import { permitted } from './declare';

export const eventDelete = permitted({
  name: 'event delete',
  summary: 'delete an event',
  args: [{ name: 'event', required: true, rest: true, complete: 'event' }],
  confirm: ({ args }) => `Delete event ${args.event}?`,
  run: async (ctx, { args }) => {
    const event = await ctx.as((s) => deleteEvent(s, args.event));
    return { message: `Deleted event #${event.id} ${event.name}` };
  },
});
