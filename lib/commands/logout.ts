import { session } from './declare';

// Available in every login state: when the stored session is refused (a token file others may
// read, or a link), that token must still be revoked and its file deleted.
export const logout = session('always', {
  name: 'logout',
  summary: 'log out (and revoke the stored session)',
  run: async (ctx) => {
    await ctx.session.logout();
    return { message: 'Logged out.' };
  },
});
