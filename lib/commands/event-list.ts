import { EVENT_COLUMNS } from '../output/columns';
import { calendarFile } from '../output/ics';
import { eventCalendar } from '../services/calendar';
import { eachEventBatch, listEvents } from '../services/events';
import { date, flag, permitted, text } from './declare';
import { listOrStream } from './shared';

export const eventList = permitted({
  name: 'event list',
  summary: 'list events, soonest first',
  output: 'list',
  calendar: true,
  options: {
    mine: flag('events I run (support) or of my clients (sales)'),
    unassigned: flag('events without a support contact'),
    upcoming: flag('events not over yet'),
    past: flag('events already over'),
    client: text('events of this client', { complete: 'client' }),
    support: text('events run by this support collaborator', { placeholder: 'collaborator', complete: 'collaborator' }),
    from: date('starting on or after this date'),
    to: date('starting on or before this date', { untilEndOfDay: true }),
  },
  exclusive: [['upcoming', 'past']],
  run: async (ctx, { options }) =>
    options.format === 'ics'
      ? { data: calendarFile(await ctx.as((s) => eventCalendar(s, options)), ctx.clock.now()) }
      : listOrStream(
          ctx,
          EVENT_COLUMNS,
          options.limit,
          (s) => listEvents(s, options),
          (s, sink) => eachEventBatch(s, options, sink),
        ),
});
