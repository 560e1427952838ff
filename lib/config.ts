import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';

/** Everything the CRM reads from its environment (README, "Configuration"), parsed once and validated. */
export interface Config {
  /** The runtime role's URL on a server; unset: the embedded database. */
  databaseUrl: string | undefined;
  /** The owner's URL on a server, for `epic db migrate` and demo data only. */
  adminDatabaseUrl: string | undefined;
  dataDir: string;
  configDir: string;
  dbIdleMinutes: number;
  /** Port of the embedded server; chosen once at random when unset. */
  dbPort: number | undefined;
  idleMinutes: number;
  sessionHours: number;
  bcryptCost: number;
  sentryDsn: string | undefined;
  sentryEnvironment: string | undefined;
  debug: boolean;
  noColor: boolean;
}

export class ConfigError extends Error {}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`${name} must be a positive number, not "${raw}"`);
  }
  return value;
}

const MIN_BCRYPT_COST = 10;

function bcryptCost(env: NodeJS.ProcessEnv): number {
  const cost = positiveNumber(env, 'EPIC_BCRYPT_COST', 12);
  if (!Number.isInteger(cost) || cost < MIN_BCRYPT_COST || cost > 20) {
    throw new ConfigError(`EPIC_BCRYPT_COST must be a whole number from ${MIN_BCRYPT_COST} to 20, not "${env.EPIC_BCRYPT_COST}"`);
  }
  return cost;
}

/** Reads `.env` in the working directory without overriding what the environment already says. */
export function loadDotEnv(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): void {
  const file = path.join(cwd, '.env');
  if (!fs.existsSync(file)) return;
  // dotenv's parser only: loading the whole package would print its banner.
  const { parse } = require('dotenv') as typeof import('dotenv');
  const parsed = parse(fs.readFileSync(file));
  for (const [key, value] of Object.entries(parsed)) {
    if (env[key] === undefined) env[key] = value;
  }
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const home = os.homedir();
  const xdgConfig = env.XDG_CONFIG_HOME || path.join(home, '.config');
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    adminDatabaseUrl: env.EPIC_ADMIN_DATABASE_URL || undefined,
    dataDir: path.resolve(env.EPIC_DATA_DIR || path.join(home, '.local', 'share', 'epic-events')),
    configDir: path.resolve(xdgConfig, 'epic-events'),
    dbIdleMinutes: positiveNumber(env, 'EPIC_DB_IDLE_MINUTES', 15),
    dbPort: env.EPIC_DB_PORT ? positiveNumber(env, 'EPIC_DB_PORT', 0) : undefined,
    idleMinutes: positiveNumber(env, 'EPIC_IDLE_MINUTES', 30),
    sessionHours: positiveNumber(env, 'EPIC_SESSION_HOURS', 12),
    bcryptCost: bcryptCost(env),
    sentryDsn: env.SENTRY_DSN || undefined,
    sentryEnvironment: env.SENTRY_ENVIRONMENT || undefined,
    debug: env.EPIC_DEBUG === '1',
    noColor: env.NO_COLOR !== undefined && env.NO_COLOR !== '',
  };
}
