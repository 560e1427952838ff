import type { CommandSpec } from './types';

export const logout: CommandSpec = {
  name: 'logout',
  summary: 'log out (and revoke the stored session)',
  // Also when the stored session is refused (a token file others may read, or a link):
  // that token must still be revoked and its file deleted.
  availability: { when: 'always' },
  run: async (ctx) => {
    await ctx.session.logout();
    return { message: 'Logged out.' };
  },
};
