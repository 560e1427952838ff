import type { OptionSpec } from './types';

/** The details of a client, shared by create and update. */
export const CLIENT_DETAIL_OPTIONS: OptionSpec[] = [
  { name: 'name', type: 'string', placeholder: 'full name', summary: "the client's full name" },
  { name: 'email', type: 'string', summary: 'email address' },
  { name: 'phone', type: 'string', summary: 'phone number (French unless it starts with +)' },
  { name: 'company', type: 'string', summary: 'company name (optional)' },
];
