import { format as formatDate } from 'date-fns/format';
import { DatabaseError } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import type { Clock } from '../clock';
import { CommitThenFail, inTransaction, selectRows, type ServiceContext } from '../db/context';
import { AuthenticationFailed, Conflict, ValidationError } from '../errors';
import { Collaborator } from '../../models';
import { assertPasswordAcceptable, normalisePassword } from './passwords';
import { openSession, type SessionActor } from './sessions';
import { readPolicy, type SecurityPolicy } from './settings';
import { validateCollaboratorFields } from './validation';

export interface AuthDeps {
  sequelize: Sequelize;
  clock: Clock;
}

/** The one answer to every failed login, whatever the cause, so that it tells nobody which emails exist. */
export function loginFailedMessage(policy: Pick<SecurityPolicy, 'maxFailedLogins' | 'lockMinutes'>): string {
  return `wrong email or password (after ${policy.maxFailedLogins} failures in a row an account is locked for ${policy.lockMinutes} minutes)`;
}

/** Said only to someone who gave the right password: the lock is no secret to the account's owner. */
export function lockedMessage(until: Date | null): string {
  return until ? `your account is locked until ${formatDate(until, 'yyyy-MM-dd HH:mm')} after failed logins` : 'your account is locked after too many failed logins: ask a manager to reset your password';
}

export interface LoggedIn {
  token: string;
  actor: SessionActor;
  policy: SecurityPolicy;
}

/**
 * Logs in through epic_login(): PostgreSQL compares the password, counts failures and opens the
 * session. A failure commits its count and then throws; `onLocked` hears of a refused login to
 * a locked account (the right password, given while locked).
 */
export async function logIn(deps: AuthDeps, email: string, password: string, onLocked?: (collaboratorId: number | null) => void): Promise<LoggedIn> {
  return inTransaction(deps.sequelize, deps.clock, async (tx) => {
    const result = await openSession(tx, email, normalisePassword(password));
    const policy = await readPolicy(tx);
    if (result.outcome === 'ok') return { token: result.token, actor: result.actor, policy };
    if (result.outcome === 'locked') {
      onLocked?.(result.collaboratorId);
      throw new CommitThenFail(new AuthenticationFailed(lockedMessage(result.lockedUntil)));
    }
    throw new CommitThenFail(new AuthenticationFailed(loginFailedMessage(policy)));
  });
}

export interface NewAccount {
  fullName: string;
  email: string;
  password: string;
}

export async function needsFirstManager(deps: AuthDeps): Promise<boolean> {
  const [row] = await inTransaction(deps.sequelize, deps.clock, (tx) => selectRows<{ needed: boolean }>(tx, 'SELECT epic_needs_first_manager() AS needed'));
  return row.needed;
}

const SETUP_DONE = 'setup is only for an empty database: collaborators already exist, log in instead';

/** First run: the first account, a manager, only while no collaborator exists (the database decides). */
export async function createFirstManager(deps: AuthDeps, account: NewAccount): Promise<{ id: number; fullName: string; email: string }> {
  const fields = validateCollaboratorFields({ fullName: account.fullName, email: account.email, role: 'management' });
  assertPasswordAcceptable(account.password, fields);
  if (!(await needsFirstManager(deps))) throw new Conflict(SETUP_DONE);
  try {
    const [row] = await inTransaction(deps.sequelize, deps.clock, (tx) =>
      selectRows<{ id: number }>(tx, 'SELECT epic_create_first_manager($1, $2, $3) AS id', [fields.fullName, fields.email, normalisePassword(account.password)]),
    );
    return { id: row.id, fullName: fields.fullName, email: fields.email };
  } catch (error) {
    // Two installs racing on an empty database: the second one is refused by the function.
    if (error instanceof DatabaseError && /empty database/.test(error.message)) throw new Conflict(SETUP_DONE);
    throw error;
  }
}

/**
 * passwd, in the command's session: the current password, then a new one that follows the
 * policy. PostgreSQL checks the current one (a wrong one counts as a failed login, committed),
 * stores the new hash and ends the collaborator's other sessions.
 */
export async function changePassword(ctx: ServiceContext, current: string, next: string): Promise<void> {
  const me = await Collaborator.findByPk(ctx.actor.id, { transaction: ctx.transaction, rejectOnEmpty: true });
  if (current.normalize('NFC') === next.normalize('NFC')) throw new ValidationError('password', 'the new password must differ from the current one');
  assertPasswordAcceptable(next, me);
  const [row] = await selectRows<{ outcome: 'ok' | 'failed' | 'locked' }>(ctx, 'SELECT epic_change_password($1, $2) AS outcome', [
    normalisePassword(current),
    normalisePassword(next),
  ]);
  if (row.outcome === 'ok') return;
  throw new CommitThenFail(await wrongOwnPassword(ctx, row.outcome));
}

/** A wrong password of the acting collaborator (passwd, or a manager confirming a sensitive change). */
export async function wrongOwnPassword(ctx: ServiceContext, outcome: 'failed' | 'locked' = 'failed'): Promise<AuthenticationFailed> {
  if (outcome === 'locked') return new AuthenticationFailed('your account is locked after failed logins: nothing changed');
  const policy = await readPolicy(ctx);
  return new AuthenticationFailed(
    `wrong password: nothing changed (after ${policy.maxFailedLogins} failures in a row an account is locked for ${policy.lockMinutes} minutes)`,
  );
}
