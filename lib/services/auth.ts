import { col, fn, where } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import type { Clock } from '../clock';
import { inTransaction, type Tx } from '../db/context';
import { AuthenticationFailed, Conflict, ValidationError } from '../errors';
import { Collaborator } from '../../models';
import { assertPasswordAcceptable, dummyHash, hashCost, hashPassword, verifyPassword } from './passwords';
import type { SecuritySettings } from './settings';
import { revokeSessionsOf } from './sessions';
import { validateCollaboratorFields } from './validation';

const MAX_FAILED_LOGINS = 5;
const LOCK_MINUTES = 15;
export const LOGIN_FAILED = `wrong email or password (after ${MAX_FAILED_LOGINS} failures in a row an account is locked for ${LOCK_MINUTES} minutes)`;

export interface AuthDeps {
  sequelize: Sequelize;
  clock: Clock;
  settings: SecuritySettings;
}

function findByEmail(tx: Tx, email: string, lock = false): Promise<Collaborator | null> {
  return Collaborator.findOne({
    where: where(fn('lower', col('email')), email.trim().toLowerCase()),
    transaction: tx.transaction,
    ...(lock ? { lock: tx.transaction.LOCK.UPDATE } : {}),
  });
}

/**
 * Checks an email and password. Every failure (unknown email, wrong password, locked account)
 * gives the same message after a bcrypt comparison, so neither the words nor the time tell
 * which emails exist. Failures are committed before the error is thrown.
 */
export async function authenticate(deps: AuthDeps, email: string, password: string): Promise<Collaborator> {
  const { bcryptCost } = deps.settings;
  const collaborator = await inTransaction(deps.sequelize, deps.clock, async (tx) => {
    const found = await findByEmail(tx, email, true);
    if (!found) {
      await verifyPassword(password, await dummyHash(bcryptCost));
      return null;
    }
    return (await checkPassword(tx, found, password, bcryptCost)) ? found : null;
  });
  if (!collaborator) throw new AuthenticationFailed(LOGIN_FAILED);
  return collaborator;
}

/**
 * Compares a password for a known collaborator, counting failures towards the lock-out and
 * upgrading a hash of a lower cost. Used at login and when an idle shell is unlocked.
 */
async function checkPassword(tx: Tx, collaborator: Collaborator, password: string, bcryptCost: number): Promise<boolean> {
  const now = tx.clock.now();
  const matches = await verifyPassword(password, collaborator.passwordHash);
  if (collaborator.lockedUntil && collaborator.lockedUntil > now) return false;
  if (!matches) {
    const failures = collaborator.failedLoginCount + 1;
    if (failures >= MAX_FAILED_LOGINS) {
      collaborator.failedLoginCount = 0;
      collaborator.lockedUntil = new Date(now.getTime() + LOCK_MINUTES * 60_000);
    } else {
      collaborator.failedLoginCount = failures;
    }
    await collaborator.save({ transaction: tx.transaction });
    return false;
  }
  collaborator.failedLoginCount = 0;
  collaborator.lockedUntil = null;
  if (hashCost(collaborator.passwordHash) < bcryptCost) {
    collaborator.passwordHash = await hashPassword(password, bcryptCost);
  }
  if (collaborator.changed()) await collaborator.save({ transaction: tx.transaction });
  return true;
}

/** Checks a password in its own committed transaction (so that a failure still counts). */
export async function recheckPassword(deps: AuthDeps, collaboratorId: number, password: string): Promise<void> {
  const ok = await inTransaction(deps.sequelize, deps.clock, async (tx) => {
    const found = await Collaborator.findByPk(collaboratorId, { transaction: tx.transaction, lock: tx.transaction.LOCK.UPDATE });
    return found ? checkPassword(tx, found, password, deps.settings.bcryptCost) : false;
  });
  if (!ok) throw new AuthenticationFailed(LOGIN_FAILED);
}

export interface NewAccount {
  fullName: string;
  email: string;
  password: string;
}

export async function needsFirstManager(): Promise<boolean> {
  return (await Collaborator.count()) === 0;
}

/** First run: the first account, a manager, only while no collaborator exists (SPEC §5). */
export async function createFirstManager(deps: AuthDeps, account: NewAccount): Promise<Collaborator> {
  return inTransaction(deps.sequelize, deps.clock, async (tx) => {
    // Two installs racing on an empty database must not both create a manager.
    await deps.sequelize.query('LOCK TABLE collaborators IN EXCLUSIVE MODE', { transaction: tx.transaction });
    if ((await Collaborator.count({ transaction: tx.transaction })) > 0) {
      throw new Conflict('setup is only for an empty database: collaborators already exist, log in instead');
    }
    const fields = validateCollaboratorFields({ fullName: account.fullName, email: account.email, role: 'management' });
    assertPasswordAcceptable(account.password, fields);
    return Collaborator.create(
      { ...fields, passwordHash: await hashPassword(account.password, deps.settings.bcryptCost), mustChangePassword: false },
      { transaction: tx.transaction },
    );
  });
}

/** passwd: the current password, then a new one that follows the policy; other sessions are revoked. */
export async function changePassword(
  deps: AuthDeps,
  collaboratorId: number,
  current: string,
  next: string,
  keepSessionTokenHash?: string,
): Promise<void> {
  await recheckPassword(deps, collaboratorId, current);
  await inTransaction(deps.sequelize, deps.clock, async (tx) => {
    const collaborator = await Collaborator.findByPk(collaboratorId, { transaction: tx.transaction, rejectOnEmpty: true });
    if (current === next) throw new ValidationError('password', 'the new password must differ from the current one');
    assertPasswordAcceptable(next, collaborator);
    collaborator.passwordHash = await hashPassword(next, deps.settings.bcryptCost);
    collaborator.mustChangePassword = false;
    await collaborator.save({ transaction: tx.transaction });
    await revokeSessionsOf(tx, collaborator.id, keepSessionTokenHash);
  });
}
