import type { ServiceContext } from '../db/context';
import type { Column, Row, Section } from '../output/render';
import type { BatchSink } from '../services/batches';
import type { Listing } from '../services/rows';
import type { CommandContext, CommandResult } from './types';

export function listResult<T extends object>(listing: Listing<T>, columns: Column[]): CommandResult {
  return { data: { kind: 'list', columns, rows: listing.rows as Row[], total: listing.total, atLeast: listing.atLeast } };
}

/**
 * A list: one page, or with --all (no limit) in a line-by-line format every row, written batch
 * by batch as `batches` reads them (lib/output/stream.ts) rather than held all at once.
 */
export async function listOrStream<T extends object>(
  ctx: CommandContext,
  columns: Column[],
  limit: number | undefined,
  page: (s: ServiceContext) => Promise<Listing<T>>,
  batches: (s: ServiceContext, sink: BatchSink<T>) => Promise<void>,
): Promise<CommandResult> {
  const sink = limit === undefined ? ctx.rowSink(columns) : undefined;
  if (!sink) return listResult(await ctx.as(page), columns);
  await ctx.as((s) => batches(s, { copy: sink.copy, write: (rows) => sink.write(rows as Row[]) }));
  return { streamed: true };
}

/** A part of a record (`client show`'s contracts), with the service's own row type. */
export type SectionOf = Omit<Section, 'rows'> & { rows: readonly object[] };

/**
 * One record, and the sections shown under it; its rows are the services' plain rows, read by their columns' keys.
 * The sections are passed on as they are: rendering only reads them.
 */
export function recordResult(record: object, columns: Column[], message?: string, sections?: SectionOf[]): CommandResult {
  return { message, data: { kind: 'record', columns, record: record as Row, sections: sections as Section[] | undefined } };
}

/** Two flags of an exclusive group (--signed / --unsigned): true, false, or no filter. */
export function oneOfTwo(yes: boolean, no: boolean): boolean | undefined {
  return yes ? true : no ? false : undefined;
}
