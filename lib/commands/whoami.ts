import { COLLABORATOR_COLUMNS } from '../output/columns';
import { collaboratorRow } from '../services/rows';
import { Collaborator } from '../../models';
import { recordResult } from './shared';
import { session } from './declare';

export const whoami = session('logged-in', {
  name: 'whoami',
  summary: 'who is logged in, with which role',
  output: 'show',
  run: async (ctx) => {
    const me = await ctx.as((s) => Collaborator.findByPk(s.actor.id, { transaction: s.transaction, rejectOnEmpty: true }));
    return recordResult(collaboratorRow(me), COLLABORATOR_COLUMNS.filter((c) => c.key !== 'lockedUntil'));
  },
});
