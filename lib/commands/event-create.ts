import { EVENT_COLUMNS } from '../output/columns';
import { createEvent } from '../services/events';
import { EVENT_DETAIL_OPTIONS, eventDetails } from './event-fields';
import { need, recordResult } from './shared';
import type { CommandSpec } from './types';

const REQUIRED = new Set(['name', 'start', 'end', 'location', 'attendees']);

export const eventCreate: CommandSpec = {
  name: 'event create',
  summary: "create the event of a signed contract of one of your clients",
  availability: { when: 'permitted', action: 'event.create' },
  options: [
    { name: 'contract', type: 'string', placeholder: 'id', summary: 'the signed contract', complete: 'contract', required: true },
    ...EVENT_DETAIL_OPTIONS.map((o) => ({ ...o, required: REQUIRED.has(o.name) })),
  ],
  run: async (ctx, input) => {
    const event = await ctx.as((s) => createEvent(s, { contract: need(input, 'contract'), ...eventDetails(input) }));
    return recordResult(event, EVENT_COLUMNS, `Created event #${event.id} ${event.name}`);
  },
};
