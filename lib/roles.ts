import { quoted, ValidationError } from './errors';

export const ROLES = ['management', 'sales', 'support'] as const;
export type Role = (typeof ROLES)[number];

/** French names are accepted as input too: the staff is French-speaking. */
export const ROLE_INPUTS = ['management', 'gestion', 'sales', 'commercial', 'support'] as const;
export type RoleInput = (typeof ROLE_INPUTS)[number];

const ALIASES: Record<RoleInput, Role> = {
  management: 'management',
  gestion: 'management',
  sales: 'sales',
  commercial: 'sales',
  support: 'support',
};

export function parseRole(input: string): Role {
  const typed = input.trim().toLowerCase();
  const role = ROLE_INPUTS.find((name) => name === typed);
  if (role) return ALIASES[role];
  throw new ValidationError('role', `expected one of ${ROLE_INPUTS.join(', ')}, got ${quoted(input)}`);
}
