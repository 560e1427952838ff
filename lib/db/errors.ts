import { ConnectionError, ForeignKeyConstraintError, OptimisticLockError, UniqueConstraintError, DatabaseError } from 'sequelize';
import { AppError, Conflict, DatabaseUnavailable, PermissionDenied, ValidationError } from '../errors';

/** What each named constraint means, for a refusal the services did not catch first. */
const CONSTRAINT_MESSAGES: Record<string, [field: string | undefined, message: string]> = {
  collaborators_email_unique: ['email', 'a collaborator with this email already exists'],
  clients_email_unique: ['email', 'a client with this email already exists'],
  events_name_unique: ['name', 'an event with this name already exists'],
  events_contract_unique: ['contract', 'this contract already has an event'],
  collaborators_role_check: ['role', 'must be management, sales or support'],
  contracts_total_amount_check: ['total', 'must be more than 0'],
  contracts_amount_due_check: ['due', 'must be between 0 and the total amount'],
  contracts_signed_at_check: ['signed', 'a signed contract needs its signing time'],
  contracts_signing_one_way_check: ['signed', 'a signed contract cannot be unsigned'],
  events_dates_check: ['end', 'must be after the start'],
  events_attendees_check: ['attendees', 'must be 0 or more'],
  events_contract_signed_check: ['contract', 'an event needs a signed contract'],
  events_support_contact_role_check: ['support', 'must be a support collaborator'],
  clients_sales_contact_role_check: ['sales contact', 'must be a sales collaborator'],
  clients_phone_check: ['phone', 'must be in international form'],
  collaborators_role_has_clients: ['role', 'this collaborator is the sales contact of clients: reassign them first'],
  collaborators_role_has_events: ['role', 'this collaborator is assigned to future events: unassign them first'],
  collaborators_last_manager: ['role', 'this is the last manager: the CRM needs at least one'],
};

const DEPENDENTS: Record<string, string> = {
  clients: 'it still has clients (reassign them first)',
  contracts: 'it still has contracts',
  events: 'it still has an event',
};

// Network failures, a server shutting down or starting, a refused login, a database that does not exist.
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET', 'EPIPE', '57P01', '57P02', '57P03', '28P01', '28000', '3D000']);

/** The database could not be reached, refused the login, or went away: not a fault of the program. */
export function isUnreachable(error: unknown): boolean {
  if (error instanceof ConnectionError) return true;
  const cause = (error as { parent?: { code?: string; message?: string } }).parent ?? (error as { code?: string; message?: string });
  return (cause.code !== undefined && UNREACHABLE_CODES.has(cause.code)) || /Connection terminated/.test(cause.message ?? '');
}

export function translateDatabaseError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  if (isUnreachable(error)) {
    const cause = (error as { parent?: Error }).parent?.message || (error as Error).message;
    return new DatabaseUnavailable(`database not reachable: ${cause}`);
  }
  if (error instanceof OptimisticLockError) {
    return new Conflict('this record was changed by someone else since you loaded it: reload it and try again');
  }
  const parent = (error as { parent?: { constraint?: string; code?: string; table?: string; detail?: string; message?: string } }).parent;
  // insufficient_privilege: the database's own wall (row-level security, column privileges,
  // the checks of its functions) refused what the application let through.
  if (parent?.code === '42501') return new PermissionDenied(`the database refused it (${parent.message})`);
  const constraint = parent?.constraint ?? '';
  if (error instanceof UniqueConstraintError || error instanceof ForeignKeyConstraintError || (error instanceof DatabaseError && parent?.code === '23514')) {
    const known = CONSTRAINT_MESSAGES[constraint];
    if (known) return error instanceof UniqueConstraintError ? new Conflict(known[1]) : new ValidationError(known[0], known[1]);
  }
  if (error instanceof ForeignKeyConstraintError) {
    if (!parent?.detail?.includes('is still referenced')) return new Conflict('a record it refers to does not exist');
    return new Conflict(`cannot delete: ${DEPENDENTS[parent.table ?? ''] ?? 'other records depend on it'}`);
  }
  return error;
}
