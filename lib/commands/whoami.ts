import { COLLABORATOR_COLUMNS } from '../output/columns';
import { collaboratorRow } from '../services/rows';
import { Collaborator } from '../../models';
import { recordResult } from './shared';
import type { CommandSpec } from './types';

export const whoami: CommandSpec = {
  name: 'whoami',
  summary: 'who is logged in, with which role',
  availability: { when: 'logged-in' },
  output: 'show',
  run: async (ctx) => {
    const me = await ctx.as((s) => Collaborator.findByPk(s.actor.id, { transaction: s.transaction, rejectOnEmpty: true }));
    return recordResult(collaboratorRow(me), COLLABORATOR_COLUMNS.filter((c) => c.key !== 'lockedUntil'));
  },
};
