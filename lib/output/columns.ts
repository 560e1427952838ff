import type { Column } from './render';

/** What each kind of record shows, in order: the keys are the JSON, CSV and TSV field names. */

export const COLLABORATOR_COLUMNS: Column[] = [
  { key: 'id', header: 'ID', kind: 'number' },
  { key: 'fullName', header: 'Name' },
  { key: 'email', header: 'Email' },
  { key: 'role', header: 'Role' },
  { key: 'mustChangePassword', header: 'Must change password', kind: 'bool' },
  { key: 'lockedUntil', header: 'Locked until', kind: 'date' },
];

export const CLIENT_COLUMNS: Column[] = [
  { key: 'id', header: 'ID', kind: 'number' },
  { key: 'fullName', header: 'Name' },
  { key: 'email', header: 'Email' },
  { key: 'phone', header: 'Phone' },
  { key: 'companyName', header: 'Company' },
  { key: 'salesContact', header: 'Sales contact' },
  { key: 'createdAt', header: 'First contact', kind: 'date' },
  { key: 'updatedAt', header: 'Last update', kind: 'date' },
];

export const CONTRACT_COLUMNS: Column[] = [
  { key: 'id', header: 'ID', kind: 'number' },
  { key: 'client', header: 'Client' },
  { key: 'salesContact', header: 'Sales contact' },
  { key: 'totalAmount', header: 'Total €', kind: 'money' },
  { key: 'amountDue', header: 'Due €', kind: 'money' },
  { key: 'signed', header: 'Signed', kind: 'bool' },
  { key: 'signedAt', header: 'Signed at', kind: 'date' },
  { key: 'createdAt', header: 'Created', kind: 'date' },
];

export const EVENT_COLUMNS: Column[] = [
  { key: 'id', header: 'ID', kind: 'number' },
  { key: 'name', header: 'Name' },
  { key: 'contractId', header: 'Contract', kind: 'number' },
  { key: 'client', header: 'Client' },
  { key: 'supportContact', header: 'Support' },
  { key: 'startsAt', header: 'Start', kind: 'date' },
  { key: 'endsAt', header: 'End', kind: 'date' },
  { key: 'location', header: 'Location' },
  { key: 'attendees', header: 'Attendees', kind: 'number' },
  { key: 'notes', header: 'Notes' },
];

/** The client's contact details shown with an event. */
export const CLIENT_CONTACT_COLUMNS: Column[] = [
  { key: 'fullName', header: 'Client' },
  { key: 'email', header: 'Email' },
  { key: 'phone', header: 'Phone' },
  { key: 'companyName', header: 'Company' },
  { key: 'salesContact', header: 'Sales contact' },
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
