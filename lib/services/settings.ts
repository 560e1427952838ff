import crypto from 'node:crypto';
import { selectRows, type Tx } from '../db/context';

/**
 * The security policy (idle minutes, session hours, lock-out, bcrypt cost) lives in the database
 * and is judged there; the application reads it only to word its messages. Values in the
 * client's environment seed it once, at the first migration, and are never trusted afterwards.
 */
export interface SecurityPolicy {
  idleMinutes: number;
  sessionHours: number;
  bcryptCost: number;
  maxFailedLogins: number;
  lockMinutes: number;
}

export async function readPolicy(tx: Tx): Promise<SecurityPolicy> {
  const [row] = await selectRows<Record<string, number>>(tx, 'SELECT * FROM epic_policy()');
  return {
    idleMinutes: row.idle_minutes,
    sessionHours: row.session_hours,
    bcryptCost: row.bcrypt_cost,
    maxFailedLogins: row.max_failed_logins,
    lockMinutes: row.lock_minutes,
  };
}

/** Randomness comes in as a dependency, like time, so that tests can fix it. */
export interface TokenSource {
  /** At least 128 bits, URL-safe. */
  token(bytes?: number): string;
}

export const cryptoTokens: TokenSource = {
  token: (bytes = 32) => crypto.randomBytes(bytes).toString('base64url'),
};
