import { literal, Op } from 'sequelize';
import type { ServiceContext } from '../db/context';
import { foldColumn } from '../db/fold';
import { Conflict, ValidationError } from '../errors';
import { assertAllowed } from '../permissions';
import { parseRole, type Role } from '../roles';
import { Client, Collaborator, Event } from '../../models';
import { findCollaborator } from './lookup';
import { CommitThenFail, selectRows } from '../db/context';
import { wrongOwnPassword } from './auth';
import { assertPasswordAcceptable, normalisePassword } from './passwords';
import { collaboratorRow, mapListing, type CollaboratorRow, type Listing } from './rows';
import { findPage } from './page';
import type { TokenSource } from './settings';
import { email, NAME_MAX, text, validateCollaboratorFields } from './validation';

/** What creating an account or resetting a password needs beyond the context. */
export interface PasswordDeps {
  tokens: TokenSource;
  /** The acting manager's own password, asked again when the target is (or becomes) a manager. */
  actorPassword?: string;
}

/**
 * Sets a password through epic_set_password(): hashed in PostgreSQL, the account must choose
 * its own at next login, its lock-out is cleared and its sessions end. A wrong password of the
 * acting manager counts as their failed login (committed) and changes nothing.
 */
async function setPassword(ctx: ServiceContext, collaboratorId: number, password: string, actorPassword: string | undefined): Promise<void> {
  const [row] = await selectRows<{ outcome: 'ok' | 'failed' }>(ctx, 'SELECT epic_set_password($1, $2, $3) AS outcome', [
    collaboratorId,
    normalisePassword(password),
    actorPassword === undefined ? null : normalisePassword(actorPassword),
  ]);
  if (row.outcome !== 'ok') throw new CommitThenFail(await wrongOwnPassword(ctx));
}

/** A manager's password is set only by someone who proves again to be a manager. */
function needActorPassword(deps: PasswordDeps, target: { role: string }): void {
  if (target.role === 'management' && deps.actorPassword === undefined) {
    throw new ValidationError('password', "your own password is needed to set a manager's password");
  }
}

export interface OneTimePassword {
  collaborator: CollaboratorRow;
  /** Present only when the password was generated: shown once, never stored in clear. */
  generatedPassword?: string;
}

export async function listCollaborators(ctx: ServiceContext, filters: { role?: string; limit?: number } = {}): Promise<Listing<CollaboratorRow>> {
  assertAllowed(ctx.actor, 'collaborator.list');
  const where = filters.role === undefined ? {} : { role: parseRole(filters.role) };
  return mapListing(await findPage(Collaborator, {
    where,
    order: [[foldColumn('fullName'), 'ASC'], ['id', 'ASC']],
    limit: filters.limit,
    transaction: ctx.transaction,
  }), collaboratorRow);
}

/** The acting collaborator's own record: anyone logged in may read it. */
export async function currentCollaborator(ctx: ServiceContext): Promise<CollaboratorRow> {
  return collaboratorRow(await Collaborator.findByPk(ctx.actor.id, { transaction: ctx.transaction, rejectOnEmpty: true }));
}

export async function showCollaborator(ctx: ServiceContext, ref: string): Promise<CollaboratorRow> {
  assertAllowed(ctx.actor, 'collaborator.show');
  return collaboratorRow(await findCollaborator(ctx, ref));
}

/** A one-time password: typed by the manager, or generated (and then shown once). */
async function oneTimePassword(owner: { fullName: string; email: string }, given: string | undefined, deps: PasswordDeps) {
  if (given !== undefined) {
    assertPasswordAcceptable(given, owner);
    return { password: given, generated: false };
  }
  for (;;) {
    const candidate = deps.tokens.token(15);
    try {
      assertPasswordAcceptable(candidate, owner);
      return { password: candidate, generated: true };
    } catch {
      // A random 20 characters rarely contain the name; draw again when they do.
    }
  }
}

export async function createCollaborator(
  ctx: ServiceContext,
  input: { fullName: unknown; email: unknown; role: unknown; password?: string },
  deps: PasswordDeps,
): Promise<OneTimePassword> {
  assertAllowed(ctx.actor, 'collaborator.create');
  const fields = validateCollaboratorFields(input);
  const { password, generated } = await oneTimePassword(fields, input.password, deps);
  needActorPassword(deps, fields);
  // Created through the model (its hooks report it), then given its password by the database.
  const collaborator = await Collaborator.create({ ...fields, mustChangePassword: true }, { transaction: ctx.transaction });
  await setPassword(ctx, collaborator.id, password, deps.actorPassword);
  await collaborator.reload({ transaction: ctx.transaction });
  return { collaborator: collaboratorRow(collaborator), ...(generated ? { generatedPassword: password } : {}) };
}

async function assertCanChangeRole(ctx: ServiceContext, collaborator: Collaborator, role: Role): Promise<void> {
  const owned = await Client.count({ where: { salesContactId: collaborator.id }, transaction: ctx.transaction });
  if (owned > 0) throw new Conflict(`${collaborator.fullName} is the sales contact of ${owned} client(s): reassign them before changing the role`);
  const upcoming = await Event.count({
    where: { supportContactId: collaborator.id, endsAt: { [Op.gte]: ctx.clock.now() } },
    transaction: ctx.transaction,
  });
  if (upcoming > 0) throw new Conflict(`${collaborator.fullName} is assigned to ${upcoming} future event(s): unassign them before changing the role`);
  if (collaborator.role === 'management' && role !== 'management') await assertNotLastManager(ctx, collaborator);
}

async function assertNotLastManager(ctx: ServiceContext, collaborator: Collaborator): Promise<void> {
  const managers = await Collaborator.count({ where: { role: 'management' }, transaction: ctx.transaction });
  if (managers <= 1) throw new Conflict(`${collaborator.fullName} is the last manager: the CRM needs at least one`);
}

/**
 * Name and email through the model; a role change through epic_set_role(), which needs the
 * acting manager's password (a wrong one counts as their failed login) and ends the sessions
 * of the collaborator whose role changed.
 */
export async function updateCollaborator(
  ctx: ServiceContext,
  ref: string,
  input: { fullName?: unknown; email?: unknown; role?: unknown },
  actorPassword?: string,
): Promise<CollaboratorRow> {
  assertAllowed(ctx.actor, 'collaborator.update');
  const collaborator = await findCollaborator(ctx, ref);
  const changes: Partial<Pick<Collaborator, 'fullName' | 'email' | 'role'>> = {};
  if (input.fullName !== undefined) changes.fullName = text('name', input.fullName, NAME_MAX);
  if (input.email !== undefined) changes.email = email(input.email);
  if (input.role !== undefined) {
    if (typeof input.role !== 'string') throw new ValidationError('role', 'expected management, sales or support');
    changes.role = parseRole(input.role);
  }
  if (Object.keys(changes).length === 0) throw new ValidationError(undefined, 'nothing to change: give --name, --email or --role');
  const { role, ...details } = changes;
  const roleChanges = role !== undefined && role !== collaborator.role;
  if (roleChanges) {
    if (actorPassword === undefined) throw new ValidationError('role', 'changing a role needs your own password');
    await assertCanChangeRole(ctx, collaborator, role);
  }
  if (Object.keys(details).length > 0) await collaborator.update(details, { transaction: ctx.transaction });
  if (roleChanges) {
    const [row] = await selectRows<{ outcome: 'ok' | 'failed' }>(ctx, 'SELECT epic_set_role($1, $2, $3) AS outcome', [
      collaborator.id,
      role,
      normalisePassword(actorPassword!),
    ]);
    if (row.outcome !== 'ok') throw new CommitThenFail(await wrongOwnPassword(ctx));
    await collaborator.reload({ transaction: ctx.transaction });
  }
  return collaboratorRow(collaborator);
}

/**
 * Whose password `reset-password` would set, checked before anything is asked: never one's own
 * (passwd is for that, with the current password).
 */
export async function resetPasswordTarget(ctx: ServiceContext, ref: string): Promise<CollaboratorRow> {
  assertAllowed(ctx.actor, 'collaborator.reset-password');
  const collaborator = await findCollaborator(ctx, ref);
  if (collaborator.id === ctx.actor.id) throw new Conflict('you cannot reset your own password: use `passwd`');
  return collaboratorRow(collaborator);
}

export async function resetPassword(ctx: ServiceContext, ref: string, password: string | undefined, deps: PasswordDeps): Promise<OneTimePassword> {
  const target = await resetPasswordTarget(ctx, ref);
  const chosen = await oneTimePassword(target, password, deps);
  needActorPassword(deps, target);
  await setPassword(ctx, target.id, chosen.password, deps.actorPassword);
  const collaborator = await findCollaborator(ctx, `#${target.id}`);
  return { collaborator: collaboratorRow(collaborator), ...(chosen.generated ? { generatedPassword: chosen.password } : {}) };
}

/**
 * Deleting a collaborator: not oneself, not the last manager; a salesperson's clients go to --reassign-to in
 * the same transaction; a support agent's events are left unassigned (the foreign key does it).
 */
async function deletableCollaborator(ctx: ServiceContext, ref: string): Promise<{ collaborator: Collaborator; clients: number }> {
  assertAllowed(ctx.actor, 'collaborator.delete');
  const collaborator = await findCollaborator(ctx, ref);
  if (collaborator.id === ctx.actor.id) throw new Conflict('you cannot delete your own account');
  if (collaborator.role === 'management') await assertNotLastManager(ctx, collaborator);
  return { collaborator, clients: await Client.count({ where: { salesContactId: collaborator.id }, transaction: ctx.transaction }) };
}

/** What a deletion's confirmation names: the collaborator found, and the clients they are the sales contact of. */
export async function collaboratorToDelete(ctx: ServiceContext, ref: string): Promise<{ collaborator: CollaboratorRow; clients: number }> {
  const { collaborator, clients } = await deletableCollaborator(ctx, ref);
  return { collaborator: collaboratorRow(collaborator), clients };
}

export async function deleteCollaborator(ctx: ServiceContext, ref: string, options: { reassignTo?: string } = {}): Promise<CollaboratorRow> {
  const { collaborator, clients: owned } = await deletableCollaborator(ctx, ref);
  if (owned > 0) {
    if (options.reassignTo === undefined) {
      throw new Conflict(`${collaborator.fullName} is the sales contact of ${owned} client(s): give --reassign-to <sales collaborator>`);
    }
    const heir = await findCollaborator(ctx, options.reassignTo);
    if (heir.id === collaborator.id) throw new ValidationError('reassign-to', 'must be another collaborator than the one deleted');
    if (heir.role !== 'sales') throw new ValidationError('reassign-to', `${heir.fullName} is ${heir.role}, not sales`);
    // A bulk update skips optimistic locking, so the version is moved by hand: a shell holding
    // one of these clients must see that it changed.
    await Client.update(
      { salesContactId: heir.id, version: literal('"version" + 1') },
      { where: { salesContactId: collaborator.id }, transaction: ctx.transaction },
    );
  }
  const row = collaboratorRow(collaborator);
  await collaborator.destroy({ transaction: ctx.transaction });
  return row;
}
