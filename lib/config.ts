import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { AppError, EXIT } from './errors';

/** Everything the CRM reads from its environment (README, "Configuration"), parsed once and validated. */
export interface Config {
  /** The runtime role's URL on a server; unset: the embedded database. */
  databaseUrl: string | undefined;
  /** The owner's URL on a server, for `epic db migrate`, demo data, export and import only. */
  adminDatabaseUrl: string | undefined;
  dataDir: string;
  configDir: string;
  dbIdleMinutes: number;
  /** A warm process leaves after this long without a command (README, "Start-up time"). */
  warmIdleMinutes: number;
  /** Port of the embedded server; chosen once at random when unset. */
  dbPort: number | undefined;
  idleMinutes: number;
  sessionHours: number;
  bcryptCost: number;
  sentryDsn: string | undefined;
  sentryEnvironment: string | undefined;
  debug: boolean;
  /** The shell shows the agenda after each login unless EPIC_AGENDA=off. */
  agendaAtLogin: boolean;
  /** Where each variable came from, for messages about its value. */
  sources: Sources;
}

/** The variables read from a `.env` file, and that file. */
export interface Sources {
  dotEnvFile?: string;
  fromDotEnv: ReadonlySet<string>;
}

const NO_DOT_ENV: Sources = { fromDotEnv: new Set() };

/** `DATABASE_URL (set in /home/x/.env)` or `DATABASE_URL (set in the environment)`. */
export function describeVariable(sources: Sources, name: string): string {
  return `${name} (set in ${sources.fromDotEnv.has(name) ? (sources.dotEnvFile ?? '.env') : 'the environment'})`;
}

/** ` (set in /home/x/.env)` for the variables of these names that came from `.env`, '' otherwise. */
export function dotEnvNote(sources: Sources, ...names: string[]): string {
  const set = names.filter((name) => sources.fromDotEnv.has(name));
  return set.length ? ` (${set.join(' and ')} set in ${sources.dotEnvFile ?? '.env'})` : '';
}

/** A variable with a value the CRM cannot use: said with its name and where it was set, as a usage error. */
export class ConfigError extends AppError {
  readonly exitCode = EXIT.usage;
}

function positiveNumber(env: NodeJS.ProcessEnv, sources: Sources, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new ConfigError(`${describeVariable(sources, name)} must be a positive number, not "${raw}"`);
  }
  return value;
}

function onOff(env: NodeJS.ProcessEnv, sources: Sources, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = raw.trim().toLowerCase();
  if (value !== 'on' && value !== 'off') throw new ConfigError(`${describeVariable(sources, name)} must be on or off, not "${raw}"`);
  return value === 'on';
}

const MIN_BCRYPT_COST = 10;

function bcryptCost(env: NodeJS.ProcessEnv, sources: Sources): number {
  const cost = positiveNumber(env, sources, 'EPIC_BCRYPT_COST', 12);
  if (!Number.isInteger(cost) || cost < MIN_BCRYPT_COST || cost > 20) {
    throw new ConfigError(`${describeVariable(sources, 'EPIC_BCRYPT_COST')} must be a whole number from ${MIN_BCRYPT_COST} to 20, not "${env.EPIC_BCRYPT_COST}"`);
  }
  return cost;
}

/** A URL as typed, parsed, or a one-line error naming the variable; the value is not echoed (it may hold a password). */
function url(env: NodeJS.ProcessEnv, sources: Sources, name: string, protocols: string[], example: string): string | undefined {
  const raw = env[name];
  if (!raw) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${describeVariable(sources, name)} is not a valid URL: expected ${example}`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${describeVariable(sources, name)} must be a ${protocols.join(' or ')} URL such as ${example}, not ${parsed.protocol}`);
  }
  return raw;
}

function sentryDsn(env: NodeJS.ProcessEnv, sources: Sources): string | undefined {
  const dsn = url(env, sources, 'SENTRY_DSN', ['http:', 'https:'], 'https://key@o0.ingest.sentry.io/0');
  // A DSN names its key as the user name and its project as the last path segment.
  if (dsn && (!new URL(dsn).username || !/\/\d+$/.test(new URL(dsn).pathname))) {
    throw new ConfigError(`${describeVariable(sources, 'SENTRY_DSN')} is not a Sentry DSN: expected https://key@o0.ingest.sentry.io/0`);
  }
  return dsn;
}

/** Only this program's own variables are taken from `.env`: never NODE_OPTIONS, PATH, LD_PRELOAD… */
export function isOwnVariable(name: string): boolean {
  return name === 'DATABASE_URL' || name === 'TZ' || name === 'NO_COLOR' || /^(EPIC|SENTRY)_[A-Z0-9_]+$/.test(name);
}

export interface DotEnv {
  sources: Sources;
  /** Why the file, or some of its lines, were not used: one line each, for standard error. */
  warnings: string[];
}

/**
 * Reads `.env` in the working directory without overriding what the environment already
 * says. The working directory may be a shared folder: the file is used only if it is a
 * regular file (not a link) of the current user that nobody else may change.
 */
export function loadDotEnv(env: NodeJS.ProcessEnv, cwd: string): DotEnv {
  const file = path.join(cwd, '.env');
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { sources: NO_DOT_ENV, warnings: [] };
    const reason = code === 'ELOOP' ? 'it is a symbolic link' : `it cannot be read (${code})`;
    return { sources: NO_DOT_ENV, warnings: [`ignoring ${file}: ${reason}`] };
  }
  let content: Buffer;
  try {
    const stat = fs.fstatSync(fd);
    const refusal = !stat.isFile()
      ? 'it is not a regular file'
      : process.getuid && stat.uid !== process.getuid()
        ? 'it belongs to another user'
        : process.getuid && (stat.mode & 0o022) !== 0
          ? `others may change it (mode ${(stat.mode & 0o777).toString(8)}; run chmod go-w ${file})`
          : undefined;
    if (refusal) return { sources: NO_DOT_ENV, warnings: [`ignoring ${file}: ${refusal}`] };
    content = fs.readFileSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  // dotenv's parser only: loading the whole package would print its banner.
  const { parse } = require('dotenv') as typeof import('dotenv');
  const fromDotEnv = new Set<string>();
  const foreign: string[] = [];
  for (const [key, value] of Object.entries(parse(content))) {
    if (!isOwnVariable(key)) foreign.push(key);
    else if (env[key] === undefined) {
      env[key] = value;
      fromDotEnv.add(key);
    }
  }
  const warnings = foreign.length
    ? [`ignoring ${foreign.join(', ')} in ${file}: only DATABASE_URL, EPIC_*, SENTRY_*, TZ and NO_COLOR are read from it`]
    : [];
  return { sources: { dotEnvFile: file, fromDotEnv }, warnings };
}

const POSTGRES = ['postgres:', 'postgresql:'];
const POSTGRES_EXAMPLE = 'postgres://user:password@host:5432/database';

export function readConfig(env: NodeJS.ProcessEnv, sources: Sources = NO_DOT_ENV): Config {
  const home = os.homedir();
  const xdgConfig = env.XDG_CONFIG_HOME || path.join(home, '.config');
  return {
    databaseUrl: url(env, sources, 'DATABASE_URL', POSTGRES, POSTGRES_EXAMPLE),
    adminDatabaseUrl: url(env, sources, 'EPIC_ADMIN_DATABASE_URL', POSTGRES, POSTGRES_EXAMPLE),
    dataDir: path.resolve(env.EPIC_DATA_DIR || path.join(home, '.local', 'share', 'epic-events')),
    configDir: path.resolve(xdgConfig, 'epic-events'),
    dbIdleMinutes: positiveNumber(env, sources, 'EPIC_DB_IDLE_MINUTES', 15),
    warmIdleMinutes: positiveNumber(env, sources, 'EPIC_WARM_IDLE_MINUTES', 10),
    dbPort: env.EPIC_DB_PORT ? positiveNumber(env, sources, 'EPIC_DB_PORT', 0) : undefined,
    idleMinutes: positiveNumber(env, sources, 'EPIC_IDLE_MINUTES', 30),
    sessionHours: positiveNumber(env, sources, 'EPIC_SESSION_HOURS', 12),
    bcryptCost: bcryptCost(env, sources),
    sentryDsn: sentryDsn(env, sources),
    sentryEnvironment: env.SENTRY_ENVIRONMENT || undefined,
    debug: env.EPIC_DEBUG === '1',
    agendaAtLogin: onOff(env, sources, 'EPIC_AGENDA', true),
    sources,
  };
}
