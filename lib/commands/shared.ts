import type { Column, Rendered, Row } from '../output/render';
import type { Listing } from '../services/rows';
import type { CommandResult } from './types';

export function listResult<T extends object>(listing: Listing<T>, columns: Column[]): CommandResult {
  return { data: { kind: 'list', columns, rows: listing.rows as Row[], total: listing.total, atLeast: listing.atLeast } };
}

export function recordResult(record: object, columns: Column[], message?: string, sections?: Extract<Rendered, { kind: 'record' }>['sections']): CommandResult {
  return { message, data: { kind: 'record', columns, record: record as Row, sections } };
}

/** Two flags of an exclusive group (--signed / --unsigned): true, false, or no filter. */
export function oneOfTwo(yes: boolean, no: boolean): boolean | undefined {
  return yes ? true : no ? false : undefined;
}
