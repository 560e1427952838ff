import { Transaction } from 'sequelize';
import type { SystemContext } from './commands/types';
import { createOwnerSequelize } from './db/connection';
import { inTransaction } from './db/context';
import { migrationNames } from './db/migrate';
import { createExportFile, readExportFile, verifyExportFile, type Counts } from './db/move-file';
import { ownerUrl, ownsEmbedded } from './db/open';
import { NotLoggedIn } from './errors';
import { BATCH_ROWS, exportRecords, importRecords } from './services/data-move';
import { inSession, SessionUnusable } from './services/sessions';
import { readToken } from './session/token-file';
import { ONE_SHOT_SESSION_ENDED, SESSION_EXPIRED } from './session/token-session';

/**
 * `epic db export <file>` and `epic db import <file>` (README, "Moving to a shared server",
 * "Backups"). Both connect as the owner: the embedded server's, or on a server the URL of
 * --admin-url / EPIC_ADMIN_DATABASE_URL, as `epic db migrate` does.
 */

/** "12 clients, 3 contracts": what was moved. */
export const movedSummary = (counts: Counts) =>
  Object.entries(counts)
    .map(([table, rows]) => `${rows.toLocaleString('en')} ${table.replace('_', ' ')}`)
    .join(', ');

/** Every record to a new file: a manager's act, the session of `epic login` judged by the database in the export's own transaction. */
export async function exportTo(ctx: SystemContext, file: string, adminUrl: string | undefined): Promise<Counts> {
  const token = readToken(ctx.config.configDir);
  if (!token) throw new NotLoggedIn('not logged in: log in as a manager with `epic login` first');
  const owner = createOwnerSequelize(await ownerUrl(ctx.config, adminUrl));
  const writer = createExportFile(file, ctx.cwd);
  try {
    await inSession(owner, ctx.clock, token, () => undefined, (s) => exportRecords(s, writer, ctx.clock.now()), {
      isolationLevel: Transaction.ISOLATION_LEVELS.REPEATABLE_READ,
    });
  } catch (error) {
    writer.abandon();
    if (error instanceof SessionUnusable) throw new NotLoggedIn(error.status === 'ended' ? ONE_SHOT_SESSION_ENDED : SESSION_EXPIRED);
    throw error;
  } finally {
    await owner.close();
  }
  return writer.finish();
}

/** Every record of an export into an empty database. The whole file is checked once before the database is touched, and again as it is loaded. */
export async function importFrom(ctx: SystemContext, file: string, adminUrl: string | undefined): Promise<Counts> {
  await verifyExportFile(file, ctx.cwd, BATCH_ROWS);
  if (ownsEmbedded(ctx.config, adminUrl)) await ctx.database(); // the embedded default migrates itself
  const owner = createOwnerSequelize(await ownerUrl(ctx.config, adminUrl));
  try {
    return await inTransaction(owner, ctx.clock, (tx) => importRecords(tx, readExportFile(file, ctx.cwd, BATCH_ROWS), migrationNames()));
  } finally {
    await owner.close();
  }
}
