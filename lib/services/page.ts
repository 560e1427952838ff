import { Op, type FindOptions, type Model, type ModelStatic, type Transaction, type WhereOptions } from 'sequelize';
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

/** The column of a page's rows that carries how many rows matched (countedWithPage, SearchQueries.indexedPage). */
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
 * A search keeps at most this many matches to sort (or the page's size, if larger). A search
 * matching more finds its page by walking the list's order instead: at 100,000 clients, a word
 * that every client's company holds read and sorted all of them for 0.6 s.
 */
export const SEARCH_SORT_CAP = 2000;

/**
 * A text search of a list: the list's query for a condition, the list's own condition (an owner),
 * the search checked on each row a query reads, and the page found through the search's index:
 * the list's query of the first `limit` matches in the list's order among at most `cap` of them
 * (any of them), each row carrying in MATCHING how many matches that was.
 */
export interface SearchQueries {
  list(where: WhereOptions): ListQuery;
  among: WhereOptions;
  matches: WhereOptions;
  indexedPage(cap: number, limit: number): ListQuery;
}

/**
 * A word that most clients hold (the "company" of every company name, an email's domain) is in
 * the search index's entries of every client, and finding its matches through the index reads
 * them all, while the list's first rows already hold more matches than a page counts. So a search
 * first looks at the first CROWD_GLANCE rows of the list in table order; if they match densely
 * enough, it counts the matches among the first CROWD_SAMPLE rows. Most searches stop at the
 * glance.
 */
const CROWD_SAMPLE = 1200;
const CROWD_GLANCE = 100;

/**
 * A page of a text search. When more than max(COUNT_CAP, limit) of the list's first CROWD_SAMPLE
 * rows match, the count is "1,000+" (or the page's size and more) for certain, and the page is
 * walked at once. Otherwise the search's index finds the matches, at most SEARCH_SORT_CAP + 1 of
 * them, which are counted and sorted as they are found. With more than that, matches are so common in
 * the list's order that walking it finds the page sooner than sorting them all: it reads about
 * limit × rows ÷ matches rows (at most 1,500 of 100,000), and the count is said the same way.
 */
export async function readSearchPage<T>(tx: Tx, search: SearchQueries, limit: number): Promise<Listing<T>> {
  const walked = search.list({ [Op.and]: [search.among, search.matches] });
  const access = rawAccess(tx.transaction, walked.model);
  const enough = Math.max(COUNT_CAP, limit) + 1;
  if (enough <= CROWD_SAMPLE) {
    const sampled = await countInFirstRows(access, walked.model.name, search, enough);
    if (sampled === enough) return { rows: await walk<T>(access, walked, limit), ...capped(sampled, limit) };
  }
  const cap = Math.max(SEARCH_SORT_CAP, COUNT_CAP, limit) + 1;
  const sorted = await pageCarryingItsCount<T>(access, search.indexedPage(cap, limit), limit);
  if (sorted.matching < cap) return { rows: sorted.rows, ...capped(sorted.matching, limit) };
  return { rows: await walk<T>(access, walked, limit), ...capped(sorted.matching, limit) };
}

/**
 * The search's matches among the list's first CROWD_SAMPLE rows in table order, counted up to
 * `cap`; 0 without reading them when its first CROWD_GLANCE rows match less than half as densely
 * as that needs (a table's first rows may be of another kind than most).
 */
async function countInFirstRows(access: RawAccess, name: string, search: SearchQueries, cap: number): Promise<number> {
  const first = (rows: number) => `(SELECT * FROM ${access.table} AS "${name}" ${access.inlineWhere(search.among)} LIMIT ${rows}) AS "${name}" ${access.inlineWhere(search.matches)}`;
  const text = `SELECT CASE WHEN (SELECT count(*) FROM ${first(CROWD_GLANCE)}) * ${2 * CROWD_SAMPLE} >= ${sqlInteger(cap)} * ${CROWD_GLANCE}
    THEN (SELECT count(*) FROM (SELECT 1 FROM ${first(CROWD_SAMPLE)} LIMIT ${cap}) AS sampled) ELSE 0 END::int AS matching`;
  const [{ matching }] = await access.rows<{ matching: number }>({ text }, true);
  return matching;
}

/** A page read by walking the list's order and checking each row. */
async function walk<T>(access: RawAccess, walked: ListQuery, limit: number): Promise<T[]> {
  const { limited } = statements(access, walked, limit);
  // The planner estimates that a LIKE keeps few rows, so it would find them all and sort them;
  // without sorts, its plan walks the index of the list's order and stops at the page.
  // Set back after it; a walk that fails aborts the transaction, and the setting goes with it.
  await access.rows({ text: 'SET LOCAL enable_sort = off' });
  const rows = await access.rows<T>(limited(walked.select), true);
  await access.rows({ text: 'SET LOCAL enable_sort TO DEFAULT' });
  return rows;
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
