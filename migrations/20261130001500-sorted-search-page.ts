import type { QueryInterface } from 'sequelize';
import { grantToRuntime } from '../lib/db/migration-grants';

/**
 * A page of a client search is sorted where its matches are found.
 *
 * A page of `client list --search` took the ids epic_client_ids_matching found (up to 2,001),
 * read each of those clients again by its key, joined its salesperson and sorted them all by
 * name for a page of 30: for "company 42" at 100,000 clients, 1,100 matches, 3 of the query's 8
 * ms went to reading again and joining the 1,070 rows the page then left out. The matching rows
 * are already read when they are found, their folded name with them: epic_client_search_page
 * sorts them there, in the client lists' order ("foldedName", then id), and returns the page's
 * ids with how many matches it saw (up to p_cap, as before), so the list reads only the page's
 * rows. Every logged-in collaborator may read every client (the clients policy), so none of the
 * rows it returns is hidden from the list that asked.
 *
 * Both search functions are planned for the search they run, at every call. PL/pgSQL keeps a
 * generic plan of a query once five calls have not shown a custom one to be cheaper, and the
 * generic plan of a search neither knows its pattern (so not that "42" gives the trigram index
 * nothing to look up, and the salesperson's index is the one to read) nor folds the pattern once:
 * it folded it again for every row it checked, through unaccent. From the sixth search of a
 * shell on, `client list --mine --search 42` took 230 ms instead of 10, `--search bulk 4` 50
 * instead of 17, at 100,000 clients. Planning a search takes about 0.2 ms.
 */

const DEFINER = 'SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp';

const IDS_MATCHING = 'epic_client_ids_matching(text, text, int, int)';

/** The function as this migration makes it, which undoing the next one puts back. */
export const SEARCH_PAGE = `
  CREATE OR REPLACE FUNCTION epic_client_search_page(p_pattern text, p_phone_pattern text, p_sales_contact int, p_cap int, p_limit int)
    RETURNS TABLE (id int, matching int)
    LANGUAGE plpgsql STABLE ROWS 30 ${DEFINER} SET plan_cache_mode = force_custom_plan AS $$
  BEGIN
    IF (SELECT epic_actor_id()) IS NULL THEN
      RETURN;
    END IF;
    -- The window counts the matches before the page's LIMIT applies.
    RETURN QUERY SELECT m.id, (count(*) OVER ())::int
      FROM (SELECT c.id, c."foldedName" FROM clients c WHERE epic_client_matches(c."searchText", c.phone, p_pattern, p_phone_pattern)
              AND (p_sales_contact IS NULL OR c."salesContactId" = p_sales_contact) LIMIT p_cap) m
      ORDER BY m."foldedName", m.id LIMIT p_limit;
  END $$;`;

export async function up(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.transaction(async (transaction) => {
    await queryInterface.sequelize.query(`${SEARCH_PAGE} ALTER FUNCTION ${IDS_MATCHING} SET plan_cache_mode = force_custom_plan;`, { transaction });
    await grantToRuntime(queryInterface, ['epic_client_search_page(text, text, int, int, int)'], transaction);
  });
}

export async function down(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.query(`DROP FUNCTION epic_client_search_page(text, text, int, int, int); ALTER FUNCTION ${IDS_MATCHING} RESET plan_cache_mode;`);
}
