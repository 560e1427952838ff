import type { FindOptions, Model, ModelStatic, Transaction } from 'sequelize';
import type { Tx } from '../db/context';
import { rawAccess, type ListQuery, type RawAccess, type Statement } from './list-query';
import type { Listing } from './rows';

/**
 * One page of a list and how many rows match. Counting every match behind "showing 30 of
 * 100,020" read the whole filtered set (7–40 ms at 100,000 rows), which the page itself does
 * not need. So: a page that is not full is its own count; a full one counts at most COUNT_CAP +
 * 1 matches (or the page's size + 1 for a longer page), in whatever order is cheapest, and more
 * than that are said as "1,000+". An exact figure beyond that would cost the full scan again;
 * the planner's estimate would be cheap but can be wrong by far, and a list must not say a
 * wrong number. A list without a limit (--all) counts nothing.
 */
export const COUNT_CAP = 1000;

/** The column of a page's rows that carries how many rows matched (countedWithPage, readSearchPage). */
export const MATCHING = 'epicMatching';

/** A page of a list query (lib/services/list-query.ts): plain rows, the list's own order. */
export async function readPage<T>(tx: Tx, query: ListQuery, limit: number | undefined): Promise<Listing<T>> {
  const access = rawAccess(tx.transaction, query.model);
  if (query.countedWithPage && limit !== undefined) {
    const { rows, matching } = await pageWithItsCount<T>(access, query, limit);
    return { rows, ...capped(matching, limit) };
  }
  const { where, limited } = statements(access, query, limit);
  const page = await access.rows<T>(limited(query.select), true);
  return counted(page, limit, () => cappedCount(access, query.model, where, limit!));
}

/** A list query's condition, and its statement for a SELECT with the list's order and limit. */
function statements(access: RawAccess, query: ListQuery, limit: number | undefined) {
  const where = access.boundWhere(query.where);
  // The limit is written in, not a parameter: a plan kept for any limit would be made for a tenth of the table.
  const limited = (select: string) => ({ text: `${select} ${where.text} ${query.orderBy}${limit === undefined ? '' : ` LIMIT ${sqlInteger(limit)}`}`, values: where.values });
  return { where, limited };
}

/** A page and the number of rows that match, counted by the page's own query (countedWithPage). */
async function pageWithItsCount<T>(access: RawAccess, query: ListQuery, limit: number): Promise<{ rows: T[]; matching: number }> {
  const counting = query.select.replace(/^\s*SELECT /, `SELECT count(*) OVER () AS "${MATCHING}", `);
  if (counting === query.select) throw new TypeError(`a list query must start with SELECT: ${query.select.slice(0, 40)}`);
  return pageCarryingItsCount(access, { ...query, select: counting }, limit);
}

/** A page whose rows carry, in MATCHING, the number of rows that match. */
async function pageCarryingItsCount<T>(access: RawAccess, query: ListQuery, limit: number): Promise<{ rows: T[]; matching: number }> {
  const { limited } = statements(access, query, limit);
  const rows = await access.rows<T & { [MATCHING]?: string | number }>(limited(query.select), true);
  const matching = Number(rows[0]?.[MATCHING] ?? 0);
  for (const row of rows) delete row[MATCHING];
  return { rows, matching };
}

/**
 * A page of a text search that a database function finds (the function of clients' searches,
 * epic_client_search_page: migrations 20261201000100 and 20261201000200), given how many matches
 * make the count "1,000+" (or the page's size and more): the list's query of the page's rows,
 * each carrying in MATCHING how many matches the function counted. The function looks for the
 * page as its matches are spread: among the table's first rows, by walking the list's order, or
 * through the search's index, in one statement.
 */
export async function readSearchPage<T>(tx: Tx, searchPage: (enough: number) => ListQuery, limit: number): Promise<Listing<T>> {
  const query = searchPage(Math.max(COUNT_CAP, limit) + 1);
  const { rows, matching } = await pageCarryingItsCount<T>(rawAccess(tx.transaction, query.model), query, limit);
  return { rows, ...capped(matching, limit) };
}

/** A page read through the model, for the short lists (collaborators, a client's interactions). */
export async function findPage<M extends Model>(model: ModelStatic<M>, options: FindOptions & { limit?: number; transaction: Transaction }): Promise<Listing<M>> {
  const page = await model.findAll(options);
  // The page's joins only name things; conditions are on the listed table's own columns.
  const access = rawAccess(options.transaction, model);
  return counted(page, options.limit, () => cappedCount(access, model, access.boundWhere(options.where ?? {}), options.limit!));
}

async function counted<T>(page: T[], limit: number | undefined, count: () => Promise<{ total: number; atLeast?: true }>): Promise<Listing<T>> {
  if (limit === undefined || page.length < limit) return { rows: page, total: page.length };
  return { rows: page, ...(await count()) };
}

/** How many rows the condition matches, counted by the database up to the cap and no further. */
async function cappedCount(access: RawAccess, model: ModelStatic<Model>, where: Statement, limit: number): Promise<{ total: number; atLeast?: true }> {
  const text = `SELECT count(*)::int AS matching FROM (SELECT 1 FROM ${access.table} AS "${model.name}" ${where.text} LIMIT ${sqlInteger(Math.max(COUNT_CAP, limit) + 1)}) AS capped`;
  const [{ matching }] = await access.rows<{ matching: number }>({ text, values: where.values }, true);
  return capped(matching, limit);
}

/** A number of matches as a list says it: up to the cap, "1,000+" beyond. */
function capped(matching: number, limit: number): { total: number; atLeast?: true } {
  const cap = Math.max(COUNT_CAP, limit);
  return matching > cap ? { total: cap, atLeast: true } : { total: matching };
}

function sqlInteger(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new TypeError(`not a row count: ${value}`);
  return value;
}
