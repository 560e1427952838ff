import { agendaReport } from '../output/agenda';
import { agendaOf, DEFAULT_AGENDA_DAYS } from '../services/agenda';
import { FORMAT, integer, permitted } from './declare';

export const agenda = permitted({
  name: 'agenda',
  action: 'agenda.show',
  summary: 'your day at a glance: what your role has on today and in the next days',
  options: {
    ...FORMAT,
    days: integer(`upcoming events up to this many days ahead (default ${DEFAULT_AGENDA_DAYS})`, { placeholder: 'n', min: 0, max: 366 }),
  },
  run: async (ctx, { options }) => ({ data: agendaReport(await ctx.as((s) => agendaOf(s, { days: options.days }))) }),
});
