import { EVENT_COLUMNS } from '../output/columns';
import { assignSupport } from '../services/events';
import { permitted, text } from './declare';
import { recordResult } from './shared';

export const eventAssign = permitted({
  name: 'event assign',
  summary: 'give an event a support contact',
  args: [{ name: 'event', required: true, rest: true, complete: 'event' }],
  options: { support: text('the support collaborator', { placeholder: 'collaborator', complete: 'collaborator', required: true }) },
  run: async (ctx, { args, options }) => {
    const event = await ctx.as((s) => assignSupport(s, args.event, options.support));
    return recordResult(event, EVENT_COLUMNS, `${event.supportContact} now runs event #${event.id} ${event.name}`);
  },
});
