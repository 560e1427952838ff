import { session } from './declare';

export const logout = session('logged-in', {
  name: 'logout',
  summary: 'log out (and revoke the stored session)',
  run: async (ctx) => {
    await ctx.session.logout();
    return { message: 'Logged out.' };
  },
});
