import { HISTORY_COLUMNS } from '../output/columns';
import { recordHistory } from '../services/history';
import { permitted } from './declare';
import { listResult } from './shared';

export const eventHistory = permitted({
  name: 'event history',
  summary: 'who changed an event, and when (a deleted event by its id)',
  args: [{ name: 'event', required: true, rest: true, complete: 'event' }],
  output: 'list',
  run: async (ctx, { args, options }) => listResult(await ctx.as((s) => recordHistory(s, 'events', args.event, options.limit)), HISTORY_COLUMNS),
});
