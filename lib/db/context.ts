import { AsyncLocalStorage } from 'node:async_hooks';
import type { Transaction } from 'sequelize';
import type { Sequelize } from 'sequelize-typescript';
import type { Clock } from '../clock';
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

/**
 * Runs work in one transaction (SPEC §7: a command that fails half-way leaves nothing behind)
 * and turns database refusals into the typed errors of lib/errors.
 */
export async function inTransaction<T>(sequelize: Sequelize, clock: Clock, work: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await sequelize.transaction((transaction) => work({ transaction, clock }));
  } catch (error) {
    throw translateDatabaseError(error);
  }
}

export function asActor<T>(sequelize: Sequelize, clock: Clock, actor: Actor, work: (ctx: ServiceContext) => Promise<T>): Promise<T> {
  return actingCollaborator.run(actor, () => inTransaction(sequelize, clock, (tx) => work({ ...tx, actor })));
}
