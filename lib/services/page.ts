import type { FindOptions, Model, ModelStatic } from 'sequelize';
import type { Listing } from './rows';

/**
 * One page of a list and how many rows match. Counting every match behind "showing 30 of
 * 100,020" read the whole filtered set (7–40 ms at 100,000 rows), which the page itself does
 * not need. So: a page that is not full is its own count; a full one counts the ids of at most
 * COUNT_CAP + 1 matches (or the page's size + 1 for a longer page), in whatever order is
 * cheapest, and more than that are said as "1,000+". An exact figure beyond that would cost the full scan again; the planner's estimate
 * would be cheap but can be wrong by far, and a list must not say a wrong number. A list
 * without a limit (--all) counts nothing.
 */
export const COUNT_CAP = 1000;

export async function findPage<M extends Model>(model: ModelStatic<M>, options: FindOptions & { limit?: number }): Promise<Listing<M>> {
  const rows = await model.findAll(options);
  if (options.limit === undefined || rows.length < options.limit) return { rows, total: rows.length };
  const cap = Math.max(COUNT_CAP, options.limit);
  const matching = await model.findAll({
    // The page's joins only name things; conditions are on the listed table's own columns.
    where: options.where,
    attributes: ['id'],
    limit: cap + 1,
    raw: true,
    transaction: options.transaction,
  });
  return matching.length > cap ? { rows, total: cap, atLeast: true } : { rows, total: matching.length };
}
