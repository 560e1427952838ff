import type { Sequelize } from 'sequelize-typescript';
import { dotEnvNote, type Config } from '../config';
import { DatabaseUnavailable, UsageError } from '../errors';
import { assertOrdinaryAccount, checkAccount, migrateAsOwner } from './accounts';
import { createSequelize } from './connection';
import { EmbeddedDatabaseError, embeddedAdminUrl, ensureEmbeddedDatabase } from './embedded';
import { isUnreachable } from './errors';

/**
 * The database: DATABASE_URL when set (the runtime role's URL), the embedded server otherwise.
 * The embedded default applies pending migrations itself, as its owner; a shell on a server
 * never migrates. Either way it runs only as an account the database's rules hold.
 */
export async function openDatabase(config: Config, options: { keepAlive?: boolean } = {}): Promise<Sequelize> {
  const url = config.databaseUrl ?? (await startEmbedded(config));
  const sequelize = createSequelize(url, { keepAlive: options.keepAlive });
  try {
    let account = await checkAccount(sequelize);
    if (account.pending.length > 0 && !config.databaseUrl) {
      await migrateAsOwner(embeddedAdminUrl(config.dataDir, 'owner')!);
      account = await checkAccount(sequelize);
    }
    await assertOrdinaryAccount(sequelize, account);
  } catch (error) {
    await sequelize.close().catch(() => undefined);
    throw unreachable(error, config) ?? error;
  }
  return sequelize;
}

export async function startEmbedded(config: Config): Promise<string> {
  try {
    return await ensureEmbeddedDatabase({ dataDir: config.dataDir, idleMinutes: config.dbIdleMinutes, port: config.dbPort });
  } catch (error) {
    if (error instanceof EmbeddedDatabaseError) throw new DatabaseUnavailable(`${error.message}${dotEnvNote(config.sources, 'EPIC_DATA_DIR', 'EPIC_DB_PORT')}`);
    throw error;
  }
}

/** A DatabaseUnavailable saying where, when the server could not be reached or refused the login. */
export function unreachable(
  error: unknown,
  config: Config,
  where = config.databaseUrl ? `the server of DATABASE_URL${dotEnvNote(config.sources, 'DATABASE_URL')}` : 'the embedded database',
): DatabaseUnavailable | undefined {
  if (!isUnreachable(error)) return undefined;
  const cause = (error as { parent?: Error }).parent?.message ?? (error as Error).message;
  return new DatabaseUnavailable(`cannot reach ${where}: ${cause}`);
}

/**
 * The owner's URL, for the administrator's commands (migrate, demo data, export, import):
 * --admin-url, EPIC_ADMIN_DATABASE_URL, or the embedded server's owner (the server started).
 */
export async function ownerUrl(config: Config, given: string | undefined): Promise<string> {
  const url = given ?? config.adminDatabaseUrl;
  if (url) return url;
  if (config.databaseUrl) {
    throw new UsageError('this needs the owner account of the database: set EPIC_ADMIN_DATABASE_URL or give --admin-url URL');
  }
  await startEmbedded(config);
  return embeddedAdminUrl(config.dataDir, 'owner')!;
}

/** Whether the owner is the embedded server's: no owner URL is given, and no server is named. */
export function ownsEmbedded(config: Config, given: string | undefined): boolean {
  return !given && !config.adminDatabaseUrl && !config.databaseUrl;
}
