import crypto from 'node:crypto';
import { Op } from 'sequelize';
import type { Tx } from '../db/context';
import { Collaborator, Session } from '../../models';
import type { SecuritySettings, TokenSource } from './settings';

/**
 * One-shot sessions (SPEC §7): a random token kept by the user, only its SHA-256 in the
 * database, expiring after EPIC_SESSION_HOURS or EPIC_IDLE_MINUTES without use.
 */

export const SESSION_EXPIRED = 'your session has expired or was revoked: log in again with `epic login`';

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export async function createSession(tx: Tx, collaboratorId: number, settings: SecuritySettings, tokens: TokenSource): Promise<string> {
  const token = tokens.token(32);
  const now = tx.clock.now();
  await Session.create(
    {
      tokenHash: hashToken(token),
      collaboratorId,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: new Date(now.getTime() + settings.sessionHours * 3_600_000),
    },
    { transaction: tx.transaction },
  );
  return token;
}

/**
 * The collaborator behind a token, read afresh (role included) on every command; undefined
 * when the token is unknown or has expired (an expired row is deleted on the way).
 */
export async function resolveSession(tx: Tx, token: string, settings: SecuritySettings): Promise<Collaborator | undefined> {
  const session = await Session.findOne({
    where: { tokenHash: hashToken(token) },
    include: [{ model: Collaborator, required: true }],
    transaction: tx.transaction,
  });
  const now = tx.clock.now();
  const idleLimit = session && new Date(session.lastUsedAt.getTime() + settings.idleMinutes * 60_000);
  if (!session || session.expiresAt <= now || idleLimit! <= now) {
    if (session) await session.destroy({ transaction: tx.transaction });
    return undefined;
  }
  session.lastUsedAt = now;
  await session.save({ transaction: tx.transaction });
  return session.collaborator!;
}

export async function revokeSession(tx: Tx, token: string): Promise<void> {
  await Session.destroy({ where: { tokenHash: hashToken(token) }, transaction: tx.transaction });
}

/** Password change, reset, role change and deletion call this (SPEC §7). */
export async function revokeSessionsOf(tx: Tx, collaboratorId: number, exceptTokenHash?: string): Promise<void> {
  await Session.destroy({
    where: { collaboratorId, ...(exceptTokenHash ? { tokenHash: { [Op.ne]: exceptTokenHash } } : {}) },
    transaction: tx.transaction,
  });
}
