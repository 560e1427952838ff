import crypto from 'node:crypto';
import type { Sequelize } from 'sequelize';
import { DatabaseUnavailable, UsageError } from '../errors';
import { createOwnerSequelize } from './connection';
import { migrateIfNeeded, migrationNames } from './migrate';
import { scramVerifier } from './scram';

/**
 * The two kinds of database account (README, "Database accounts"): the owner migrates and owns
 * everything; the runtime role is the only one a shell uses, and the database holds it to the
 * permission table. A shell over an account that would bypass those rules refuses to run.
 */

export interface AccountCheck {
  user: string;
  superuser: boolean;
  bypassRls: boolean;
  ownsTables: boolean;
  /** Migrations this version knows that the database has not applied (all of them when it cannot tell). */
  pending: string[];
  /** False when the account may not even read which migrations ran: not an account of the CRM. */
  readsSchema: boolean;
}

const ROLE = `r.rolname AS "user", r.rolsuper AS superuser, r.rolbypassrls AS "bypassRls",
              coalesce(pg_has_role(r.oid, t.relowner, 'MEMBER'), false) AS "ownsTables"`;
const OF_CURRENT_USER = `FROM pg_roles r LEFT JOIN pg_class t ON t.oid = to_regclass('public.collaborators') WHERE r.rolname = current_user`;

/** One query at connection open: who we are, and which migrations are missing. */
export async function checkAccount(sequelize: Sequelize): Promise<AccountCheck> {
  const check = async (applied: string) => {
    const [[row]] = (await sequelize.query(`SELECT ${ROLE}, ${applied} AS applied ${OF_CURRENT_USER}`)) as [
      (Omit<AccountCheck, 'pending' | 'readsSchema'> & { applied: string[] | null })[],
      unknown,
    ];
    return row;
  };
  let row;
  let readsSchema = true;
  try {
    row = await check(`(SELECT array_agg(name::text) FROM "SequelizeMeta")`);
  } catch (error) {
    // 42P01: no SequelizeMeta yet, a database never migrated; 42501: not allowed to read it.
    const code = (error as { parent?: { code?: string } }).parent?.code;
    if (code !== '42P01' && code !== '42501') throw error;
    readsSchema = code === '42P01';
    row = await check('NULL::text[]');
  }
  const { applied, ...flags } = row;
  const done = new Set(applied ?? []);
  return { ...flags, readsSchema, pending: migrationNames().filter((name) => !done.has(name)) };
}

/** The runtime role of the database: as the policy says, or as the migration will name it. */
async function runtimeRoleName(sequelize: Sequelize): Promise<string> {
  try {
    const [[row]] = (await sequelize.query('SELECT "runtimeRole"::text AS name FROM security_policy')) as [{ name: string }[], unknown];
    return row.name;
  } catch {
    const [[row]] = (await sequelize.query(`SELECT current_database() || '_app' AS name`)) as [{ name: string }[], unknown];
    return row.name;
  }
}

/** Refuses an account that bypasses the database's rules, and a schema older than this version. */
export async function assertOrdinaryAccount(sequelize: Sequelize, account: AccountCheck): Promise<void> {
  const bypass = account.superuser ? 'a superuser' : account.bypassRls ? 'a role with BYPASSRLS' : account.ownsTables ? "the owner of the CRM's tables" : undefined;
  const instead = async () => `connect as the runtime role ${await runtimeRoleName(sequelize)} (\`epic db migrate\` prints its URL)`;
  if (bypass) {
    throw new UsageError(`the database account ${account.user} is ${bypass}, which the CRM's permission rules cannot hold: ${await instead()}`);
  }
  if (!account.readsSchema) throw new UsageError(`the database account ${account.user} is not an account of the CRM: ${await instead()}`);
  if (account.pending.length > 0) {
    throw new DatabaseUnavailable('the database schema is behind this version of epic: ask your administrator to run `epic db migrate`');
  }
}

export interface MigrationResult {
  applied: string[];
  /** Set when the runtime role got a new password: its URL, to hand to staff once. */
  runtimeUrl?: string;
}

/**
 * Migrates as the owner. When the migration created the runtime role, or when asked, gives it
 * a new random password and returns its URL (same server and database as the owner's).
 */
export async function migrateAsOwner(ownerUrl: string, options: { newRuntimePassword?: boolean } = {}): Promise<MigrationResult> {
  const owner = createOwnerSequelize(ownerUrl);
  try {
    const before = await runtimeRoleName(owner);
    const [[{ existed }]] = (await owner.query('SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :name) AS existed', {
      replacements: { name: before },
    })) as [{ existed: boolean }[], unknown];
    const applied = await migrateIfNeeded(owner);
    if (existed && !options.newRuntimePassword) return { applied };
    const runtime = await runtimeRoleName(owner);
    const password = crypto.randomBytes(24).toString('base64url');
    await owner.query(`ALTER ROLE ${owner.getQueryInterface().quoteIdentifier(runtime)} PASSWORD '${scramVerifier(password)}'`);
    const url = new URL(ownerUrl);
    url.username = encodeURIComponent(runtime);
    url.password = encodeURIComponent(password);
    return { applied, runtimeUrl: url.toString() };
  } finally {
    await owner.close();
  }
}
