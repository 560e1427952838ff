import { ACTIVITY_COLUMNS } from '../output/columns';
import { activity as activityOf } from '../services/history';
import { limitOf, listResult, need, text } from './shared';
import type { CommandSpec } from './types';

export const activity: CommandSpec = {
  name: 'activity',
  summary: 'what one collaborator changed, newest first',
  availability: { when: 'permitted', action: 'collaborator.activity' },
  output: 'list',
  options: [
    { name: 'by', type: 'string', placeholder: 'collaborator', summary: 'the collaborator', complete: 'collaborator', required: true },
    { name: 'since', type: 'string', placeholder: 'date', summary: 'from this date (and time)' },
    { name: 'until', type: 'string', placeholder: 'date', summary: 'up to this date (a day alone: included)' },
  ],
  run: async (ctx, input) =>
    listResult(
      await ctx.as((s) => activityOf(s, need(input, 'by'), { since: text(input, 'since'), until: text(input, 'until'), limit: limitOf(input) })),
      ACTIVITY_COLUMNS,
    ),
};
