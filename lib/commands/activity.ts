import { ACTIVITY_COLUMNS } from '../output/columns';
import { activity as activityOf } from '../services/history';
import { date, permitted, text } from './declare';
import { listResult } from './shared';

export const activity = permitted({
  name: 'activity',
  action: 'collaborator.activity',
  summary: 'what one collaborator changed, newest first',
  output: 'list',
  options: {
    by: text('the collaborator', { placeholder: 'collaborator', complete: 'collaborator', required: true }),
    since: date('from this date (and time)'),
    until: date('up to this date (a day alone: included)', { untilEndOfDay: true }),
  },
  run: async (ctx, { options }) => listResult(await ctx.as((s) => activityOf(s, options.by, options)), ACTIVITY_COLUMNS),
});
