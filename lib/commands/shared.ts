import { quoted, UsageError } from '../errors';
import type { Column, Rendered, Row } from '../output/render';
import type { Listing } from '../services/rows';
import type { CommandResult, Input } from './types';

const DEFAULT_LIMIT = 30;

/** --limit <n> or --all; 30 rows otherwise (SPEC §5). */
export function limitOf(input: Input): number | undefined {
  if (input.options.all) {
    if (input.options.limit !== undefined) throw new UsageError('give --limit or --all, not both');
    return undefined;
  }
  const raw = input.options.limit;
  if (raw === undefined) return DEFAULT_LIMIT;
  if (typeof raw !== 'string' || !/^\d{1,7}$/.test(raw) || Number(raw) < 1) throw new UsageError(`--limit expects a whole number from 1, not ${quoted(String(raw))}`);
  return Number(raw);
}

export function listResult<T extends object>(listing: Listing<T>, columns: Column[]): CommandResult {
  return { data: { kind: 'list', columns, rows: listing.rows as Row[], total: listing.total } };
}

export function recordResult(record: object, columns: Column[], message?: string, sections?: Extract<Rendered, { kind: 'record' }>['sections']): CommandResult {
  return { message, data: { kind: 'record', columns, record: record as Row, sections } };
}

/** A string option, or undefined; flags given where a value is expected are usage errors. */
export function text(input: Input, name: string): string | undefined {
  const value = input.options[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new UsageError(`--${name} needs a value`);
  return value;
}

/** An option declared `required`: parseInput has already refused its absence. */
export function need(input: Input, name: string): string {
  const value = text(input, name);
  if (value === undefined) throw new UsageError(`missing --${name}`);
  return value;
}

export function arg(input: Input, name: string): string {
  const value = input.args[name];
  if (value === undefined) throw new UsageError(`missing <${name}>`);
  return value;
}

/** Two flags that contradict each other, such as --signed and --unsigned. */
export function eitherFlag(input: Input, yes: string, no: string): boolean | undefined {
  if (input.options[yes] && input.options[no]) throw new UsageError(`give --${yes} or --${no}, not both`);
  if (input.options[yes]) return true;
  if (input.options[no]) return false;
  return undefined;
}
