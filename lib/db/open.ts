import { ConnectionError } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import type { Config } from '../config';
import { DatabaseUnavailable } from '../errors';
import { createSequelize } from './connection';
import { EmbeddedDatabaseError, ensureEmbeddedDatabase } from './embedded';
import { migrateIfNeeded } from './migrate';

/**
 * The database of SPEC §9: DATABASE_URL when set, the embedded server otherwise; pending
 * migrations are applied before the first command.
 */
export async function openDatabase(config: Config, options: { keepAlive?: boolean } = {}): Promise<Sequelize> {
  let url = config.databaseUrl;
  try {
    url ??= await ensureEmbeddedDatabase({ dataDir: config.dataDir, idleMinutes: config.dbIdleMinutes, port: config.dbPort });
  } catch (error) {
    if (error instanceof EmbeddedDatabaseError) throw new DatabaseUnavailable(error.message);
    throw error;
  }
  const sequelize = createSequelize(url, { keepAlive: options.keepAlive });
  try {
    await migrateIfNeeded(sequelize);
  } catch (error) {
    await sequelize.close().catch(() => undefined);
    if (isUnreachable(error)) {
      const where = config.databaseUrl ? 'the server of DATABASE_URL' : 'the embedded database';
      const cause = (error as { parent?: Error }).parent?.message ?? (error as Error).message;
      throw new DatabaseUnavailable(`cannot reach ${where}: ${cause}`);
    }
    throw error;
  }
  return sequelize;
}

// Network failures, a refused login, a database that does not exist.
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET', '28P01', '28000', '3D000']);

function isUnreachable(error: unknown): boolean {
  if (error instanceof ConnectionError) return true;
  const code = (error as { code?: string }).code;
  return code !== undefined && UNREACHABLE_CODES.has(code);
}
