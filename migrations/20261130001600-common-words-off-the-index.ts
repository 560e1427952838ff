import type { QueryInterface } from 'sequelize';
import { SEARCH_PAGE } from './20261130001500-sorted-search-page';

/**
 * A search's words that most clients hold are left out of what its trigram index looks up.
 *
 * The trigram index finds the rows holding every trigram of a search's words, and reads, for
 * each of those trigrams, the entry of every row that holds it: for "company 42" at 100,000
 * clients, the six trigrams of "company", which every client's company holds, made 600,000
 * entries read for 2,587 rows found, 3 of the search's 4 ms inside the server, while "42" alone
 * finds the same 2,587. epic_search_index_pattern looks at 64 clients spread over the table (eight
 * runs of ids, the first at the first id, the others an eighth of the ids apart) and gives the index the search's pattern without the words
 * that half of them or more hold, if what is left is held by a tenth of them at most; otherwise
 * the whole pattern, as before. Rows are still kept only if they match the whole search, so the
 * page is the same whichever pattern the index was given: a sample that misjudges a word costs
 * time, never a row. A search of one word is given whole without looking (nothing would be left).
 */

const DEFINER = 'SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp';

/** The functions as this migration makes them, which undoing the next one puts back. */
export const INDEX_PATTERN = `
  CREATE OR REPLACE FUNCTION epic_search_index_pattern(p_pattern text) RETURNS text
    LANGUAGE plpgsql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
  DECLARE
    v_words text[] := ARRAY(SELECT DISTINCT w[1] FROM regexp_matches(p_pattern, '[[:alnum:]]+', 'g') AS w);
    v_sample text[];
    v_word text;
    v_index text := p_pattern;
  BEGIN
    IF cardinality(v_words) < 2 THEN
      RETURN p_pattern;
    END IF;
    -- Eight runs of eight ids: a run is mostly one page of the table, where 64 ids apart were 64.
    SELECT array_agg(c."searchText") INTO v_sample FROM clients c
     WHERE c.id = ANY (ARRAY(SELECT r.low + (r.high - r.low) * k / 8 + j FROM (SELECT min(id) AS low, max(id) AS high FROM clients) r, generate_series(0, 7) k, generate_series(0, 7) j));
    -- A table this small is read at once whatever the index is given.
    IF coalesce(cardinality(v_sample), 0) < 32 THEN
      RETURN p_pattern;
    END IF;
    FOREACH v_word IN ARRAY v_words LOOP
      IF (SELECT count(*) FROM unnest(v_sample) s WHERE strpos(s, v_word) > 0) * 2 >= cardinality(v_sample) THEN
        -- The whole word only; what replaces it matches it, so every row the search matches still matches.
        v_index := regexp_replace(v_index, '(?<![[:alnum:]])' || v_word || '(?![[:alnum:]])', '%', 'g');
      END IF;
    END LOOP;
    IF v_index = p_pattern OR (SELECT count(*) FROM unnest(v_sample) s WHERE s LIKE v_index) * 10 > cardinality(v_sample) THEN
      RETURN p_pattern;
    END IF;
    RETURN v_index;
  END $$;
  REVOKE ALL ON FUNCTION epic_search_index_pattern(text) FROM PUBLIC;`;

export const SEARCH_PAGE_INDEXED_BY_RARE_WORDS = `
  CREATE OR REPLACE FUNCTION epic_client_search_page(p_pattern text, p_phone_pattern text, p_sales_contact int, p_cap int, p_limit int)
    RETURNS TABLE (id int, matching int)
    LANGUAGE plpgsql STABLE ROWS 30 ${DEFINER} SET plan_cache_mode = force_custom_plan AS $$
  DECLARE
    v_index_pattern text;
  BEGIN
    IF (SELECT epic_actor_id()) IS NULL THEN
      RETURN;
    END IF;
    v_index_pattern := epic_search_index_pattern(epic_fold(p_pattern));
    -- The index is given v_index_pattern; the whole search is checked on the rows it finds, outside
    -- the subquery, which OFFSET 0 keeps apart so that the planner cannot give it to the index too.
    -- The window counts the matches before the page's LIMIT applies.
    RETURN QUERY SELECT m.id, (count(*) OVER ())::int
      FROM (SELECT f.id, f."foldedName"
              FROM (SELECT c.id, c."foldedName", c."searchText", c.phone FROM clients c
                     WHERE (c."searchText" LIKE v_index_pattern OR c.phone LIKE p_phone_pattern)
                       AND (p_sales_contact IS NULL OR c."salesContactId" = p_sales_contact) OFFSET 0) f
             WHERE epic_client_matches(f."searchText", f.phone, p_pattern, p_phone_pattern) LIMIT p_cap) m
      ORDER BY m."foldedName", m.id LIMIT p_limit;
  END $$;`;

export async function up(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.query(`${INDEX_PATTERN} ${SEARCH_PAGE_INDEXED_BY_RARE_WORDS}`);
}

export async function down(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.query(`${SEARCH_PAGE} DROP FUNCTION epic_search_index_pattern(text);`);
}
