import { PermissionDenied, ValidationError } from './errors';
import type { Role } from './roles';

/**
 * Who may do what (README, "Who may do what"), as data: role × action → scope. It is the only place that says who may do what;
 * the services enforce it and the shell registers commands from it.
 *  - any:      every record
 *  - own:      records of a client whose sales contact is the actor
 *  - assigned: events whose support contact is the actor
 * An action missing for a role is refused.
 */
export type Scope = 'any' | 'own' | 'assigned';

export const PERMISSIONS = {
  'collaborator.list': { management: 'any' },
  'collaborator.show': { management: 'any' },
  'collaborator.create': { management: 'any' },
  'collaborator.update': { management: 'any' },
  'collaborator.delete': { management: 'any' },
  'collaborator.reset-password': { management: 'any' },
  'collaborator.history': { management: 'any' },
  'collaborator.activity': { management: 'any' },
  'client.list': { management: 'any', sales: 'any', support: 'any' },
  'client.show': { management: 'any', sales: 'any', support: 'any' },
  'client.create': { sales: 'any' },
  'client.update': { sales: 'own' },
  'client.delete': { sales: 'own' },
  'client.reassign': { management: 'any' },
  'client.history': { management: 'any', sales: 'any', support: 'any' },
  'client.contact': { management: 'any', sales: 'own' },
  'client.contacts': { management: 'any', sales: 'any', support: 'any' },
  'contract.list': { management: 'any', sales: 'any', support: 'any' },
  'contract.show': { management: 'any', sales: 'any', support: 'any' },
  'contract.create': { management: 'any' },
  'contract.update': { management: 'any', sales: 'own' },
  'contract.sign': { management: 'any', sales: 'own' },
  'contract.pay': { management: 'any', sales: 'own' },
  'contract.delete': { management: 'any' },
  'contract.history': { management: 'any', sales: 'any', support: 'any' },
  'event.list': { management: 'any', sales: 'any', support: 'any' },
  'event.show': { management: 'any', sales: 'any', support: 'any' },
  'event.create': { sales: 'own' },
  'event.update': { sales: 'own', support: 'assigned' },
  'event.assign': { management: 'any' },
  'event.unassign': { management: 'any' },
  'event.delete': { sales: 'own' },
  'event.history': { management: 'any', sales: 'any', support: 'any' },
  'database.export': { management: 'any' },
  // Each role's day at a glance: what it is responsible for (its scope), read-only.
  'agenda.show': { management: 'any', sales: 'own', support: 'assigned' },
} as const satisfies Record<string, Partial<Record<Role, Scope>>>;

export type Action = keyof typeof PERMISSIONS;
export const ACTIONS = Object.keys(PERMISSIONS) as Action[];

export interface Actor {
  id: number;
  role: Role;
  fullName: string;
}

/** Who a record belongs to, as far as permissions care. */
export interface Ownership {
  salesContactId?: number | null;
  supportContactId?: number | null;
}

export function scopeOf(role: Role, action: Action): Scope | undefined {
  return (PERMISSIONS[action] as Partial<Record<Role, Scope>>)[role];
}

export function isAllowed(role: Role, action: Action): boolean {
  return scopeOf(role, action) !== undefined;
}

function describe(action: Action, scope?: Exclude<Scope, 'any'>): string {
  const [noun, what] = action.split('.');
  if (!scope) return `${what} ${noun}s`;
  if (scope === 'assigned') return `${what} only ${noun}s assigned to them`;
  return `${what} only ${noun === 'client' ? 'their own clients' : `${noun}s of their own clients`}`;
}

const PEOPLE: Record<Role, string> = { management: 'managers', sales: 'salespeople', support: 'support staff' };
const MINE_HINT = { client: '--sales', contract: '--client', event: '--support or --client' } as const;

/**
 * What `--mine` means, the same for every noun: the records the table makes the actor's own
 * for updating them (`own`: of their clients; `assigned`: events they run). A role that owns
 * no record of the noun (managers everywhere, support for clients and contracts) is refused
 * rather than shown an empty list.
 */
export function mineScope(actor: Actor, noun: keyof typeof MINE_HINT): 'own' | 'assigned' {
  const scope = scopeOf(actor.role, `${noun}.update`);
  if (scope === 'own' || scope === 'assigned') return scope;
  throw new ValidationError('mine', `${PEOPLE[actor.role]} have no ${noun}s of their own: filter with ${MINE_HINT[noun]}`);
}

/**
 * Throws PermissionDenied, naming the rule, unless the actor may do the action on a record
 * with this ownership. Without an ownership, only says whether the role may do it at all.
 */
export function assertAllowed(actor: Actor, action: Action, record?: Ownership): void {
  const scope = scopeOf(actor.role, action);
  if (!scope) throw new PermissionDenied(`${actor.role} may not ${describe(action)}`);
  if (scope === 'any' || !record) return;
  const owner = scope === 'own' ? record.salesContactId : record.supportContactId;
  if (owner !== actor.id) {
    throw new PermissionDenied(`${actor.role} may ${describe(action, scope)}`);
  }
}
