import type { Column } from './render';

/**
 * What each kind of record shows, in order: the keys are the JSON, CSV and TSV field names.
 * `dropRank`: on a terminal too narrow for the whole table, the highest rank leaves first;
 * columns without one (the id and the name) always stay.
 */

export const COLLABORATOR_COLUMNS: Column[] = [
  { key: 'id', header: 'ID', kind: 'number' },
  { key: 'fullName', header: 'Name' },
  { key: 'email', header: 'Email', dropRank: 3 },
  { key: 'role', header: 'Role' },
  { key: 'mustChangePassword', header: 'Must change password', kind: 'bool', dropRank: 2 },
  { key: 'lockedUntil', header: 'Locked until', kind: 'date', dropRank: 1 },
];

export const CLIENT_COLUMNS: Column[] = [
  { key: 'id', header: 'ID', kind: 'number' },
  { key: 'fullName', header: 'Name' },
  { key: 'email', header: 'Email', dropRank: 6 },
  { key: 'phone', header: 'Phone', kind: 'phone', dropRank: 5 },
  { key: 'companyName', header: 'Company', dropRank: 4 },
  { key: 'salesContact', header: 'Sales contact', dropRank: 3 },
  { key: 'createdAt', header: 'First contact', kind: 'date', dropRank: 2 },
  { key: 'updatedAt', header: 'Last update', kind: 'date', dropRank: 1 },
];

export const CONTRACT_COLUMNS: Column[] = [
  { key: 'id', header: 'ID', kind: 'number' },
  { key: 'client', header: 'Client' },
  { key: 'salesContact', header: 'Sales contact', dropRank: 4 },
  { key: 'totalAmount', header: 'Total €', kind: 'money' },
  { key: 'amountDue', header: 'Due €', kind: 'money' },
  { key: 'signed', header: 'Signed', kind: 'bool' },
  { key: 'signedAt', header: 'Signed at', kind: 'date', dropRank: 2 },
  { key: 'createdAt', header: 'Created', kind: 'date', dropRank: 1 },
];

export const EVENT_COLUMNS: Column[] = [
  { key: 'id', header: 'ID', kind: 'number' },
  { key: 'name', header: 'Name' },
  { key: 'contractId', header: 'Contract', kind: 'number', dropRank: 4 },
  { key: 'client', header: 'Client', dropRank: 7 },
  { key: 'supportContact', header: 'Support', dropRank: 6 },
  { key: 'startsAt', header: 'Start', kind: 'date' },
  { key: 'endsAt', header: 'End', kind: 'date', dropRank: 3 },
  { key: 'location', header: 'Location', dropRank: 5 },
  { key: 'attendees', header: 'Attendees', kind: 'number', dropRank: 2 },
  { key: 'notes', header: 'Notes', dropRank: 1 },
];

/** The client's contact details shown with an event. */
export const CLIENT_CONTACT_COLUMNS: Column[] = [
  { key: 'fullName', header: 'Client' },
  { key: 'email', header: 'Email' },
  { key: 'phone', header: 'Phone', kind: 'phone' },
  { key: 'companyName', header: 'Company', dropRank: 2 },
  { key: 'salesContact', header: 'Sales contact', dropRank: 1 },
];
