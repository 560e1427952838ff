import type { QueryInterface } from 'sequelize';
import { grantToRuntime } from './20261130001200-capped-client-search';
// The page function as that migration made it, which undoing this one puts back, and the pieces of SQL both are made of.
import { CROWD_SAMPLE, firstClientsMatching, GLANCE, GRAM_SEARCH_PAGE, matchesSearch, SEARCH_PAGE_FUNCTION, SEARCH_PAGE_SIGNATURE, SESSION_CHECK, SORT_CAP, SORTED_PAGE, WALKED_PAGE } from './20261201000100-client-search-grams';

/**
 * A search whose matches are dense among the table's first rows walks the name order first and
 * then only counts its matches; the walk reads the name order's index alone.
 *
 * `--search 42` (6,608 of 100,020 clients) took 3.3 ms in the server: the index found 2,001 of
 * its matches, which were sorted, only to learn that there were too many to sort, then the walk
 * of the name order found the page. Walking first, it takes 2.4 ms: when the glance at the
 * table's first GLANCE rows (in table order: the oldest clients) found enough matches that, were
 * they as dense in the name order, the page would lie within its first WALK_BUDGET rows (with
 * WALK_SLACK times the rows their density predicts), those rows are read; if they hold the page,
 * the matches are only counted, up to "1,000+", through the gram index when the search gives it
 * pieces (about 1.5 ms for "42": a GIN index hands over every entry of a piece before the first
 * row is read), in table order otherwise. If they do not (matches that the oldest clients hold
 * more than the others), the search goes on as before, at most WALK_BUDGET rows later. A search narrowed to a salesperson is not walked first: the name order holds every
 * salesperson's clients, and their rows would be read too.
 *
 * clients_folded_name_order_idx now carries what a walk checks (the search text, the phone, the
 * salesperson) beside the name and id: a walk reads the index alone, not a table row for each
 * client it passes, about 0.2 µs a client instead of 0.67 (a walk passing 2,700 clients to find
 * a page of "company 42", run alone: 1.8 ms, 0.5 after). The index grows from 8.5 to 13 MB at
 * 100,000 clients. The table rows' visibility still decides: a page a write has touched since
 * the last vacuum is read from the table, as before.
 */

/** The most rows of the name order a search reads before it turns to its index. */
const WALK_BUDGET = 2000;
/** How many times the rows that the glance's density predicts the page takes the walk may read. */
const WALK_SLACK = 2;

const WALKING_INDEX = `
  DROP INDEX clients_folded_name_order_idx;
  CREATE INDEX clients_folded_name_order_idx ON clients ("foldedName", id) INCLUDE ("searchText", phone, "salesContactId");`;

const NAME_ORDER_INDEX = `
  DROP INDEX clients_folded_name_order_idx;
  CREATE INDEX clients_folded_name_order_idx ON clients ("foldedName", id);`;

const WALKING_SEARCH_PAGE = `
  CREATE OR REPLACE FUNCTION ${SEARCH_PAGE_SIGNATURE}
  DECLARE
    v_sort_cap int := greatest(${SORT_CAP}, p_enough);
    v_grams text[];
    v_phone_grams text[];
    v_glanced int := 0;
    v_walk bigint;
    v_matching int := 0;
    v_page int[];
  BEGIN
    ${SESSION_CHECK}
    -- The glance at the table's first rows tells how densely a search matches. One that most
    -- clients match ("company", an email's domain) has p_enough matches among them: counted
    -- there, the count is "1,000+" for certain, and the page is walked without reading an index
    -- that holds most clients.
    IF p_enough <= ${CROWD_SAMPLE} THEN
      SELECT count(*) INTO v_glanced FROM ${firstClientsMatching(GLANCE)};
      IF v_glanced * ${2 * CROWD_SAMPLE} >= p_enough * ${GLANCE} THEN
        SELECT count(*) INTO v_matching FROM (SELECT 1 FROM ${firstClientsMatching(CROWD_SAMPLE)} LIMIT p_enough) s;
      END IF;
    END IF;
    IF v_matching < p_enough THEN
      SELECT g.text_grams, g.phone_grams INTO v_grams, v_phone_grams FROM epic_client_index_grams(p_pattern, p_phone_pattern) g;
      -- Matches as dense in the name order as in the glance put the page within its first v_walk
      -- rows: read there, they are then only counted. Not for one salesperson's clients, whom the
      -- name order holds among everyone's.
      v_walk := p_limit::bigint * ${GLANCE * WALK_SLACK} / nullif(v_glanced, 0);
      IF p_sales_contact IS NULL AND v_walk <= ${WALK_BUDGET} THEN
        SELECT array_agg(w.id) INTO v_page
          FROM (SELECT n.id FROM (SELECT c.id, c."foldedName", c."searchText", c.phone FROM clients c ORDER BY c."foldedName", c.id LIMIT v_walk) n
                 WHERE ${matchesSearch('n')} ORDER BY n."foldedName", n.id LIMIT p_limit) w;
        IF cardinality(v_page) = p_limit THEN
          SELECT count(*) INTO v_matching
            FROM (SELECT 1 FROM epic_client_candidates(v_grams, v_phone_grams, NULL) f WHERE ${matchesSearch('f')} LIMIT p_enough) m;
          RETURN QUERY SELECT p.id, v_matching FROM unnest(v_page) p(id);
          RETURN;
        END IF;
      END IF;
      -- The matches the index finds, at most v_sort_cap of them, counted and sorted as they are found.
      ${SORTED_PAGE}
    END IF;
    ${WALKED_PAGE}
  END $$;`;

export async function up(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.transaction(async (transaction) => {
    await queryInterface.sequelize.query(`${WALKING_INDEX} ${WALKING_SEARCH_PAGE}`, { transaction });
  });
}

export async function down(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.transaction(async (transaction) => {
    await queryInterface.sequelize.query(`${NAME_ORDER_INDEX} DROP FUNCTION ${SEARCH_PAGE_FUNCTION}; ${GRAM_SEARCH_PAGE}`, { transaction });
    await grantToRuntime(queryInterface, [SEARCH_PAGE_FUNCTION], transaction);
  });
}
