import { CLIENT_CONTACT_COLUMNS, EVENT_COLUMNS } from '../output/columns';
import { showEvent } from '../services/events';
import { arg, recordResult } from './shared';
import type { CommandSpec } from './types';

export const eventShow: CommandSpec = {
  name: 'event show',
  summary: "show an event with its client's contact details",
  availability: { when: 'permitted', action: 'event.show' },
  args: [{ name: 'event', required: true, rest: true, complete: 'event' }],
  output: 'show',
  run: async (ctx, input) => {
    const { event, client } = await ctx.as((s) => showEvent(s, arg(input, 'event')));
    return recordResult(event, EVENT_COLUMNS, undefined, [{ key: 'client', title: 'Client contact', columns: CLIENT_CONTACT_COLUMNS, rows: [client as never], single: true }]);
  },
};
