import { ADMIN_URL, systemShell } from './declare';

export const dbImport = systemShell({
  name: 'db import',
  summary: 'every record of an export into an empty database',
  args: [{ name: 'file', required: true }],
  options: ADMIN_URL,
  run: async (ctx, { args, options }) => {
    const { importFrom, movedSummary } = require('../db-move') as typeof import('../db-move');
    const counts = await importFrom(ctx, args.file, options['admin-url']);
    return { text: [{ lines: [`imported ${movedSummary(counts)} from ${args.file}`] }] };
  },
});
