import type { CommandSpec } from './types';

export const exit: CommandSpec = {
  name: 'exit',
  summary: 'leave the shell',
  availability: { when: 'always' },
  run: async (ctx) => {
    ctx.requestExit();
    return {};
  },
};
