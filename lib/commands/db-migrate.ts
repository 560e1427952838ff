import { migrateAsOwner } from '../db/accounts';
import { ownerUrl, ownsEmbedded, unreachable } from '../db/open';
import { UsageError } from '../errors';
import { ADMIN_URL, flag, systemShell } from './declare';

/**
 * The administrator's command (README, "A shared server"). Shows the runtime role's URL once,
 * when the migration created the role or a new password was asked.
 */
export const dbMigrate = systemShell({
  name: 'db migrate',
  summary: 'bring the database schema up to date, as its owner',
  options: {
    ...ADMIN_URL,
    'new-runtime-password': flag('give the runtime role a new password, and show its URL once'),
  },
  run: async ({ config }, { options }) => {
    const adminUrl = options['admin-url'];
    const embedded = ownsEmbedded(config, adminUrl);
    if (embedded && options['new-runtime-password']) throw new UsageError('the embedded database keeps its runtime password itself: --new-runtime-password is for a server');
    const owner = await ownerUrl(config, adminUrl);
    let result;
    try {
      result = await migrateAsOwner(owner, { newRuntimePassword: options['new-runtime-password'] });
    } catch (error) {
      throw unreachable(error, config, embedded ? 'the embedded database' : 'the server of the owner URL') ?? error;
    }
    const said = result.applied.length > 0 ? `migrated: ${result.applied.join(', ')}` : 'the database schema is up to date';
    if (!result.runtimeUrl || embedded) return { text: [{ lines: [said] }] };
    return {
      text: [{ lines: [said, 'the runtime URL, shown this once: give it to staff as DATABASE_URL (it can do only what each collaborator may)'] }],
      lines: [result.runtimeUrl],
    };
  },
});
