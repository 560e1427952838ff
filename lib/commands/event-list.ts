import { EVENT_COLUMNS } from '../output/columns';
import { listEvents } from '../services/events';
import { limitOf, listResult, text } from './shared';
import type { CommandSpec } from './types';

export const eventList: CommandSpec = {
  name: 'event list',
  summary: 'list events, soonest first',
  availability: { when: 'permitted', action: 'event.list' },
  output: 'list',
  options: [
    { name: 'mine', type: 'boolean', summary: "events I run (support) or of my clients (sales)" },
    { name: 'unassigned', type: 'boolean', summary: 'events without a support contact' },
    { name: 'upcoming', type: 'boolean', summary: 'events not over yet' },
    { name: 'past', type: 'boolean', summary: 'events already over' },
    { name: 'client', type: 'string', summary: 'events of this client', complete: 'client' },
    { name: 'support', type: 'string', placeholder: 'collaborator', summary: 'events run by this support collaborator', complete: 'collaborator' },
    { name: 'from', type: 'string', placeholder: 'date', summary: 'starting on or after this date' },
    { name: 'to', type: 'string', placeholder: 'date', summary: 'starting on or before this date' },
  ],
  run: async (ctx, input) =>
    listResult(
      await ctx.as((s) =>
        listEvents(s, {
          mine: input.options.mine === true,
          unassigned: input.options.unassigned === true,
          upcoming: input.options.upcoming === true,
          past: input.options.past === true,
          client: text(input, 'client'),
          support: text(input, 'support'),
          from: text(input, 'from'),
          to: text(input, 'to'),
          limit: limitOf(input),
        }),
      ),
      EVENT_COLUMNS,
    ),
};
