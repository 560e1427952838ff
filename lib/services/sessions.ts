import type { Sequelize, TransactionOptions } from 'sequelize';
import type { Clock } from '../clock';
import { inTransaction, selectRows, withActor, type ServiceContext, type Tx } from '../db/context';
import { NotLoggedIn } from '../errors';
import type { Actor } from '../permissions';
import type { Role } from '../roles';

/**
 * Sessions live in the database, which alone can read them: epic_login() creates one and
 * answers a random token (only its SHA-256 is stored), and every command's transaction starts
 * with epic_begin(token), which judges it with the database's clock and policy and makes it
 * the acting collaborator of that transaction for the row-level security policies.
 */

/** The acting collaborator as epic_begin() resolved it, in the command's own transaction. */
export interface SessionActor extends Actor {
  mustChangePassword: boolean;
}

/** ok; idle: unused for longer than the idle minutes; expired: past its hours; ended: logged out or revoked. */
export type SessionStatus = 'ok' | 'idle' | 'expired' | 'ended';

/** Why a session cannot run a command; each session backend words it for its users. */
export class SessionUnusable extends NotLoggedIn {
  constructor(readonly status: Exclude<SessionStatus, 'ok'>) {
    super(`session ${status}`);
  }
}

interface BeginRow {
  status: SessionStatus;
  collaborator_id: number | null;
  full_name: string | null;
  role: Role | null;
  must_change_password: boolean | null;
}

/**
 * How a command's transaction is opened. `readsOnly`: the command only reads (lists, shows,
 * histories, completion), and the database makes the transaction read-only once the session is
 * judged, locking and writing nothing for it (migration 20261130000800).
 */
export interface SessionOptions extends TransactionOptions {
  readsOnly?: boolean;
}

/** Hands the token to the database for this transaction only; the actor, or why there is none. */
export async function beginSession(tx: Tx, token: string, readsOnly = false): Promise<SessionActor> {
  const [row] = await selectRows<BeginRow>(tx, 'SELECT * FROM epic_begin($1, $2)', [token, readsOnly]);
  if (!row || row.status !== 'ok') throw new SessionUnusable(row?.status === 'ok' || !row ? 'ended' : row.status);
  return { id: row.collaborator_id!, fullName: row.full_name!, role: row.role!, mustChangePassword: row.must_change_password! };
}

/**
 * One transaction as the collaborator of `token`: the session is resolved inside it (for a
 * command that writes, the actor's row locked FOR SHARE until it ends; a read locks nothing),
 * `admit` checks the fresh actor, then the work runs.
 */
export function inSession<T>(
  sequelize: Sequelize,
  clock: Clock,
  token: string,
  admit: (actor: SessionActor) => void,
  work: (ctx: ServiceContext) => Promise<T>,
  { readsOnly, ...options }: SessionOptions = {},
): Promise<T> {
  return inTransaction(
    sequelize,
    clock,
    async (tx) => {
      const actor = await beginSession(tx, token, readsOnly);
      admit(actor);
      const { id, role, fullName } = actor;
      return withActor({ id, role, fullName }, () => work({ ...tx, actor: { id, role, fullName } }));
    },
    options,
  );
}

export type LoginOutcome =
  | { outcome: 'ok'; token: string; actor: SessionActor }
  | { outcome: 'failed' }
  /** lockedUntil is null when the lock lasts until a manager resets the password. */
  | { outcome: 'locked'; collaboratorId: number | null; lockedUntil: Date | null };

interface LoginRow {
  outcome: 'ok' | 'failed' | 'locked';
  token: string | null;
  collaborator_id: number | null;
  full_name: string | null;
  role: Role | null;
  must_change_password: boolean | null;
  locked_until: Date | string | number | null;
}

/**
 * Checks the password inside PostgreSQL (bcrypt, lock-out, the same time for an unknown email)
 * and opens a session. Failures are counted by the function and committed with it.
 */
export async function openSession(tx: Tx, email: string, normalisedPassword: string): Promise<LoginOutcome> {
  const [row] = await selectRows<LoginRow>(tx, 'SELECT * FROM epic_login($1, $2)', [email.trim(), normalisedPassword]);
  if (row?.outcome === 'ok') {
    return {
      outcome: 'ok',
      token: row.token!,
      actor: { id: row.collaborator_id!, fullName: row.full_name!, role: row.role!, mustChangePassword: row.must_change_password! },
    };
  }
  if (row?.outcome === 'locked') {
    const until = row.locked_until === null ? null : new Date(row.locked_until);
    // 'infinity' arrives as Infinity or as the string, both an invalid Date here.
    return { outcome: 'locked', collaboratorId: row.collaborator_id, lockedUntil: until && Number.isFinite(until.getTime()) ? until : null };
  }
  return { outcome: 'failed' };
}

/** Deletes the session of `token` (logout); nothing happens when it is already gone. */
export async function closeSession(tx: Tx, token: string): Promise<void> {
  await selectRows(tx, "SELECT set_config('epic.session', $1, true)", [token]);
  await selectRows(tx, 'SELECT epic_logout()');
}
