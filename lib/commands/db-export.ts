import { ADMIN_URL, systemShell } from './declare';

export const dbExport = systemShell({
  name: 'db export',
  summary: 'every record to a new file (logged in as a manager)',
  args: [{ name: 'file', required: true }],
  options: ADMIN_URL,
  run: async (ctx, { args, options }) => {
    const { exportTo, movedSummary } = require('../db-move') as typeof import('../db-move');
    const counts = await exportTo(ctx, args.file, options['admin-url']);
    return { text: [{ lines: [`exported ${movedSummary(counts)} to ${args.file}`] }] };
  },
});
