import { AsyncLocalStorage } from 'node:async_hooks';
import { QueryTypes, type Sequelize, type Transaction, type TransactionOptions } from 'sequelize';
import type { Clock } from '../clock';
import type { AppError } from '../errors';
import type { Actor } from '../permissions';
import { translateDatabaseError } from './errors';

/** What every service call receives: its transaction, the time, and who acts. */
export interface Tx {
  transaction: Transaction;
  clock: Clock;
}

export interface ServiceContext extends Tx {
  actor: Actor;
}

/**
 * The acting collaborator for code that cannot be handed it, such as model hooks reporting
 * business events. Scoped to one command, so no global mutable state.
 */
const actingCollaborator = new AsyncLocalStorage<Actor>();

export function currentActor(): Actor | undefined {
  return actingCollaborator.getStore();
}

export function withActor<T>(actor: Actor, work: () => Promise<T>): Promise<T> {
  return actingCollaborator.run(actor, work);
}

/**
 * A refusal whose bookkeeping must stay: a wrong password given to a database function counts
 * as a failed login, and that count is written by the same transaction. Thrown inside
 * `inTransaction`, it commits, then the wrapped error reaches the caller.
 */
export class CommitThenFail extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
  }
}

/**
 * Runs work in one transaction (a command that fails half-way leaves nothing behind) and
 * turns database refusals into the typed errors of lib/errors.
 */
export async function inTransaction<T>(sequelize: Sequelize, clock: Clock, work: (tx: Tx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  let transaction: Transaction | undefined;
  try {
    transaction = await sequelize.transaction(options);
    const result = await work({ transaction, clock });
    await transaction.commit();
    return result;
  } catch (error) {
    if (error instanceof CommitThenFail && transaction) {
      await transaction.commit();
      throw error.error;
    }
    if (transaction && !(transaction as unknown as { finished?: string }).finished) await transaction.rollback().catch(() => undefined);
    throw translateDatabaseError(error);
  }
}

/** Rows of a query on the database's own functions (epic_login(), epic_begin(), …). */
export function selectRows<T extends object>(tx: Tx, sql: string, bind: unknown[] = []): Promise<T[]> {
  const sequelize = (tx.transaction as unknown as { sequelize: Sequelize }).sequelize;
  return sequelize.query<T>(sql, { type: QueryTypes.SELECT, bind, transaction: tx.transaction });
}
