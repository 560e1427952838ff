import { ValidationError } from './errors';

const ROLES = ['management', 'sales', 'support'] as const;
export type Role = (typeof ROLES)[number];

/** French names are accepted as input too: the staff is French-speaking. */
const ALIASES: Record<string, Role> = {
  management: 'management',
  gestion: 'management',
  sales: 'sales',
  commercial: 'sales',
  support: 'support',
};

export const ROLE_INPUTS = Object.keys(ALIASES);

export function parseRole(input: string): Role {
  const role = ALIASES[input.trim().toLowerCase()];
  if (!role) throw new ValidationError('role', `expected one of ${ROLE_INPUTS.join(', ')}, got "${input}"`);
  return role;
}
