import pg from 'pg';
import { Sequelize as PlainSequelize } from 'sequelize';
import { Sequelize } from 'sequelize-typescript';
import { MODELS } from '../../models';

// After a PostgreSQL restart a pooled connection fails once with 57P01; a fresh one works.
const RETRYABLE = [/57P01/, /terminating connection due to administrator command/];

export interface ConnectOptions {
  /** Keep one connection open: an open shell counts as a client of the embedded database. */
  keepAlive?: boolean;
  logging?: (sql: string) => void;
}

const settings = (options: ConnectOptions) => ({
  dialect: 'postgres' as const,
  dialectModule: pg,
  logging: options.logging ?? false,
  pool: { max: 5, min: options.keepAlive ? 1 : 0, idle: 10_000, acquire: 20_000 },
  retry: { max: 2, match: RETRYABLE },
  define: { timestamps: true },
  // Sequelize otherwise opens a connection of its own, before the first query, only to ask the
  // server's version, which it compares with thresholds (9.x) every supported server passes.
  databaseVersion: '14.0.0',
});

/** The runtime connection, with the models bound to it (they bind to the last one created). */
export function createSequelize(url: string, options: ConnectOptions = {}): Sequelize {
  return new Sequelize(url, { ...settings(options), models: MODELS });
}

/** The owner's connection, for migrations and demo data: no models, so it never takes them over. */
export function createOwnerSequelize(url: string, options: ConnectOptions = {}): PlainSequelize {
  return new PlainSequelize(url, settings(options));
}
