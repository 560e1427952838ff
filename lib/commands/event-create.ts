import { EVENT_COLUMNS } from '../output/columns';
import { createEvent } from '../services/events';
import { permitted, requiring, text } from './declare';
import { EVENT_DETAILS } from './event-fields';
import { recordResult } from './shared';

export const eventCreate = permitted({
  name: 'event create',
  summary: 'create the event of a signed contract of one of your clients',
  options: {
    contract: text('the signed contract', { placeholder: 'id', required: true, complete: 'contract' }),
    ...requiring(EVENT_DETAILS, ['name', 'start', 'end', 'location', 'attendees']),
  },
  run: async (ctx, { options }) => {
    const event = await ctx.as((s) => createEvent(s, options));
    return recordResult(event, EVENT_COLUMNS, `Created event #${event.id} ${event.name}`);
  },
});
