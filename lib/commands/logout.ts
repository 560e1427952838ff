import type { CommandSpec } from './types';

export const logout: CommandSpec = {
  name: 'logout',
  summary: 'log out (and revoke the stored session)',
  availability: { when: 'logged-in' },
  run: async (ctx) => {
    await ctx.session.logout();
    return { message: 'Logged out.' };
  },
};
