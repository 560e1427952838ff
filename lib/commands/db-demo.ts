import { ownerUrl } from '../db/open';
import { systemShell } from './declare';

export const dbDemo = systemShell({
  name: 'db demo',
  summary: 'load the demo data into an empty database (accounts in the README)',
  run: async (ctx) => {
    const { loadDemoData } = require('../db/demo') as typeof import('../db/demo');
    await ctx.database(); // the schema is up to date (the embedded default migrates itself)
    const files = await loadDemoData(await ownerUrl(ctx.config, undefined));
    return { text: [{ lines: [`demo data loaded (${files.join(', ')}); the accounts are listed in the README`] }] };
  },
});
