import { session } from './declare';

export const exit = session('always', {
  name: 'exit',
  summary: 'leave the shell',
  run: async (ctx) => {
    ctx.requestExit();
    return {};
  },
});
