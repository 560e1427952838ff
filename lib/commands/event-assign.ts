import { EVENT_COLUMNS } from '../output/columns';
import { assignSupport } from '../services/events';
import { arg, need, recordResult } from './shared';
import type { CommandSpec } from './types';

export const eventAssign: CommandSpec = {
  name: 'event assign',
  summary: 'give an event a support contact',
  availability: { when: 'permitted', action: 'event.assign' },
  args: [{ name: 'event', required: true, rest: true, complete: 'event' }],
  options: [{ name: 'support', type: 'string', placeholder: 'collaborator', summary: 'the support collaborator', complete: 'collaborator', required: true }],
  run: async (ctx, input) => {
    const event = await ctx.as((s) => assignSupport(s, arg(input, 'event'), need(input, 'support')));
    return recordResult(event, EVENT_COLUMNS, `${event.supportContact} now runs event #${event.id} ${event.name}`);
  },
};
