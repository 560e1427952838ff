import { CLIENT_CONTACT_COLUMNS, EVENT_COLUMNS } from '../output/columns';
import { showEvent } from '../services/events';
import { permitted } from './declare';
import { recordResult } from './shared';

export const eventShow = permitted({
  name: 'event show',
  summary: "show an event with its client's contact details",
  args: [{ name: 'event', required: true, rest: true, complete: 'event' }],
  output: 'show',
  run: async (ctx, { args }) => {
    const { event, client } = await ctx.as((s) => showEvent(s, args.event));
    return recordResult(event, EVENT_COLUMNS, undefined, [{ key: 'client', title: 'Client contact', columns: CLIENT_CONTACT_COLUMNS, rows: [client], single: true }]);
  },
});
