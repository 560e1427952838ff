import { deleteEvent, eventToDelete } from '../services/events';
import { permitted } from './declare';

export const eventDelete = permitted({
  name: 'event delete',
  summary: 'delete an event',
  args: [{ name: 'event', required: true, rest: true, complete: 'event' }],
  confirm: async (ctx, { args }) => {
    const event = await ctx.as((s) => eventToDelete(s, args.event));
    return `Delete event #${event.id} ${event.name} of ${event.client}?`;
  },
  run: async (ctx, { args }) => {
    const event = await ctx.as((s) => deleteEvent(s, args.event));
    return { message: `Deleted event #${event.id} ${event.name}` };
  },
});
