import { literal, Op } from 'sequelize';
import type { ServiceContext } from '../db/context';
import { foldColumn } from '../db/fold';
import { Conflict, ValidationError } from '../errors';
import { assertAllowed } from '../permissions';
import { parseRole, type Role } from '../roles';
import { Client, Collaborator, Event } from '../../models';
import { findCollaborator } from './lookup';
import { assertPasswordAcceptable, hashPassword } from './passwords';
import { collaboratorRow, type CollaboratorRow, type Listing } from './rows';
import { revokeSessionsOf } from './sessions';
import type { TokenSource } from './settings';
import { email, NAME_MAX, text, validateCollaboratorFields } from './validation';

/** What creating an account or resetting a password needs beyond the context. */
export interface PasswordDeps {
  bcryptCost: number;
  tokens: TokenSource;
}

export interface OneTimePassword {
  collaborator: CollaboratorRow;
  /** Present only when the password was generated: shown once, never stored in clear. */
  generatedPassword?: string;
}

export async function listCollaborators(ctx: ServiceContext, filters: { role?: string; limit?: number } = {}): Promise<Listing<CollaboratorRow>> {
  assertAllowed(ctx.actor, 'collaborator.list');
  const where = filters.role === undefined ? {} : { role: parseRole(filters.role) };
  const { rows, count } = await Collaborator.findAndCountAll({
    where,
    order: [[foldColumn('fullName'), 'ASC'], ['id', 'ASC']],
    limit: filters.limit,
    transaction: ctx.transaction,
  });
  return { rows: rows.map(collaboratorRow), total: count };
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
  const collaborator = await Collaborator.create(
    { ...fields, passwordHash: await hashPassword(password, deps.bcryptCost), mustChangePassword: true },
    { transaction: ctx.transaction },
  );
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

export async function updateCollaborator(
  ctx: ServiceContext,
  ref: string,
  input: { fullName?: unknown; email?: unknown; role?: unknown },
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
  const roleChanges = changes.role !== undefined && changes.role !== collaborator.role;
  if (roleChanges) await assertCanChangeRole(ctx, collaborator, changes.role!);
  await collaborator.update(changes, { transaction: ctx.transaction });
  if (roleChanges) await revokeSessionsOf(ctx, collaborator.id);
  return collaboratorRow(collaborator);
}

export async function resetPassword(ctx: ServiceContext, ref: string, password: string | undefined, deps: PasswordDeps): Promise<OneTimePassword> {
  assertAllowed(ctx.actor, 'collaborator.reset-password');
  const collaborator = await findCollaborator(ctx, ref);
  const chosen = await oneTimePassword(collaborator, password, deps);
  await collaborator.update(
    { passwordHash: await hashPassword(chosen.password, deps.bcryptCost), mustChangePassword: true, failedLoginCount: 0, lockedUntil: null },
    { transaction: ctx.transaction },
  );
  await revokeSessionsOf(ctx, collaborator.id);
  return { collaborator: collaboratorRow(collaborator), ...(chosen.generated ? { generatedPassword: chosen.password } : {}) };
}

/**
 * SPEC §4: not oneself, not the last manager; a salesperson's clients go to --reassign-to in
 * the same transaction; a support agent's events are left unassigned (the foreign key does it).
 */
export async function deleteCollaborator(ctx: ServiceContext, ref: string, options: { reassignTo?: string } = {}): Promise<CollaboratorRow> {
  assertAllowed(ctx.actor, 'collaborator.delete');
  const collaborator = await findCollaborator(ctx, ref);
  if (collaborator.id === ctx.actor.id) throw new Conflict('you cannot delete your own account');
  if (collaborator.role === 'management') await assertNotLastManager(ctx, collaborator);
  const owned = await Client.count({ where: { salesContactId: collaborator.id }, transaction: ctx.transaction });
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
