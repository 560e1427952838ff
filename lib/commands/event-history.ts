import { HISTORY_COLUMNS } from '../output/columns';
import { recordHistory } from '../services/history';
import { arg, limitOf, listResult } from './shared';
import type { CommandSpec } from './types';

export const eventHistory: CommandSpec = {
  name: 'event history',
  summary: 'who changed an event, and when (a deleted event by its id)',
  availability: { when: 'permitted', action: 'event.history' },
  args: [{ name: 'event', required: true, rest: true, complete: 'event' }],
  output: 'list',
  run: async (ctx, input) => listResult(await ctx.as((s) => recordHistory(s, 'events', arg(input, 'event'), limitOf(input))), HISTORY_COLUMNS),
};
