import type { Column } from './render';

/**
 * What each kind of record shows, in order: the keys are the JSON, CSV and TSV field names.
 * `dropOrder`: on a terminal too narrow for the whole table, columns leave in this order (1
 * first); columns without one (the id and the name) always stay.
 */

export const COLLABORATOR_COLUMNS: Column[] = [
  { key: 'id', header: 'ID', kind: 'number' },
  { key: 'fullName', header: 'Name' },
  { key: 'email', header: 'Email', dropOrder: 3 },
  { key: 'role', header: 'Role' },
  { key: 'mustChangePassword', header: 'Must change password', kind: 'bool', dropOrder: 2 },
  { key: 'lockedUntil', header: 'Locked until', kind: 'date', dropOrder: 1 },
];

export const CLIENT_COLUMNS: Column[] = [
  { key: 'id', header: 'ID', kind: 'number' },
  { key: 'fullName', header: 'Name' },
  { key: 'email', header: 'Email', dropOrder: 6 },
  { key: 'phone', header: 'Phone', kind: 'phone', dropOrder: 5 },
  { key: 'companyName', header: 'Company', dropOrder: 4 },
  { key: 'salesContact', header: 'Sales contact', dropOrder: 3 },
  { key: 'createdAt', header: 'First contact', kind: 'date', dropOrder: 2 },
  { key: 'updatedAt', header: 'Last update', kind: 'date', dropOrder: 1 },
];

export const CONTRACT_COLUMNS: Column[] = [
  { key: 'id', header: 'ID', kind: 'number' },
  { key: 'client', header: 'Client' },
  { key: 'salesContact', header: 'Sales contact', dropOrder: 4 },
  { key: 'totalAmount', header: 'Total €', kind: 'money' },
  { key: 'amountDue', header: 'Due €', kind: 'money' },
  { key: 'signed', header: 'Signed', kind: 'bool' },
  { key: 'signedAt', header: 'Signed at', kind: 'date', dropOrder: 2 },
  { key: 'createdAt', header: 'Created', kind: 'date', dropOrder: 1 },
];

export const EVENT_COLUMNS: Column[] = [
  { key: 'id', header: 'ID', kind: 'number' },
  { key: 'name', header: 'Name' },
  { key: 'contractId', header: 'Contract', kind: 'number', dropOrder: 4 },
  { key: 'client', header: 'Client', dropOrder: 7 },
  { key: 'supportContact', header: 'Support', dropOrder: 6 },
  { key: 'startsAt', header: 'Start', kind: 'date' },
  { key: 'endsAt', header: 'End', kind: 'date', dropOrder: 3 },
  { key: 'location', header: 'Location', dropOrder: 5 },
  { key: 'attendees', header: 'Attendees', kind: 'number', dropOrder: 2 },
  { key: 'notes', header: 'Notes', dropOrder: 1 },
];

/** The client's contact details shown with an event. */
export const CLIENT_CONTACT_COLUMNS: Column[] = [
  { key: 'fullName', header: 'Client' },
  { key: 'email', header: 'Email' },
  { key: 'phone', header: 'Phone', kind: 'phone' },
  { key: 'companyName', header: 'Company', dropOrder: 2 },
  { key: 'salesContact', header: 'Sales contact', dropOrder: 1 },
];

/** Lists and shows of clients add the latest logged interaction. */
export const CLIENT_FOLLOW_UP_COLUMNS: Column[] = [...CLIENT_COLUMNS, { key: 'lastContactAt', header: 'Last contact', kind: 'date' }];

/** One changed field per row; From and To hold amounts, dates, names or flags alike. */
export const HISTORY_COLUMNS: Column[] = [
  { key: 'at', header: 'When', kind: 'date' },
  { key: 'by', header: 'By' },
  { key: 'action', header: 'Change' },
  { key: 'field', header: 'Field' },
  { key: 'old', header: 'From' },
  { key: 'new', header: 'To' },
];

/** What one collaborator changed: the record is named on each row. */
export const ACTIVITY_COLUMNS: Column[] = [
  { key: 'at', header: 'When', kind: 'date' },
  { key: 'record', header: 'Record' },
  ...HISTORY_COLUMNS.slice(2),
];

export const CONTACT_COLUMNS: Column[] = [
  { key: 'at', header: 'When', kind: 'date' },
  { key: 'by', header: 'By' },
  { key: 'channel', header: 'How' },
  { key: 'note', header: 'Note' },
];
