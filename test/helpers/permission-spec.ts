import type { Action } from '../../lib/permissions';

/**
 * The README's "Who may do what" table written out again, from the specification rather than from lib/permissions, for
 * the permission matrix tests. "own" is the salesperson's client (whose event the first
 * support agent runs), "other" another salesperson's, "unassigned" an event without support.
 */
export type Role = 'management' | 'sales' | 'support';
export type Target = 'own' | 'other' | 'unassigned';
export const ALL: Target[] = ['own', 'other', 'unassigned'];

// Which targets each role may act on; a missing role is refused everywhere.
export const SPEC: Record<Action, Partial<Record<Role, Target[]>>> = {
  'collaborator.list': { management: ALL },
  'collaborator.show': { management: ALL },
  'collaborator.create': { management: ALL },
  'collaborator.update': { management: ALL },
  'collaborator.delete': { management: ALL },
  'collaborator.reset-password': { management: ALL },
  'collaborator.history': { management: ALL },
  'collaborator.activity': { management: ALL },
  'client.list': { management: ALL, sales: ALL, support: ALL },
  'client.show': { management: ALL, sales: ALL, support: ALL },
  'client.create': { sales: ALL },
  'client.update': { sales: ['own'] },
  'client.delete': { sales: ['own'] },
  'client.reassign': { management: ALL },
  'client.history': { management: ALL, sales: ALL, support: ALL },
  'client.contact': { management: ALL, sales: ['own'] },
  'client.contacts': { management: ALL, sales: ALL, support: ALL },
  'contract.list': { management: ALL, sales: ALL, support: ALL },
  'contract.show': { management: ALL, sales: ALL, support: ALL },
  'contract.create': { management: ALL },
  'contract.update': { management: ALL, sales: ['own'] },
  'contract.sign': { management: ALL, sales: ['own'] },
  'contract.pay': { management: ALL, sales: ['own'] },
  'contract.delete': { management: ALL },
  'contract.history': { management: ALL, sales: ALL, support: ALL },
  'event.list': { management: ALL, sales: ALL, support: ALL },
  'event.show': { management: ALL, sales: ALL, support: ALL },
  'event.create': { sales: ['own'] },
  'event.update': { sales: ['own'], support: ['own'] },
  'event.assign': { management: ALL },
  'event.unassign': { management: ALL },
  'event.delete': { sales: ['own'] },
  'event.history': { management: ALL, sales: ALL, support: ALL },
  'database.export': { management: ALL },
  'agenda.show': { management: ALL, sales: ALL, support: ALL },
};


/** Roles in the order the matrices walk them. */
export const ROLES: Role[] = ['management', 'sales', 'support'];

/**
 * The targets worth trying for a role and an action. Where the rule depends on ownership (the
 * role may act on some targets only), every target the action has; otherwise one, the one that
 * proves the most: the actor's own record for a refusal (refused even there), another's for a
 * permission (any record will do).
 */
export function targetsFor(action: Action, role: Role, targets: readonly Target[] = ALL): Target[] {
  const allowed = SPEC[action][role] ?? [];
  if (allowed.length === 0) return ['own'];
  if (ALL.every((target) => allowed.includes(target))) return ['other'];
  return [...targets];
}
