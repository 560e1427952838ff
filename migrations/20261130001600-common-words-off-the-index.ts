import type { QueryInterface } from 'sequelize';
import { grantToRuntime } from '../lib/db/migration-grants';
// The functions as the migrations before left them, which undoing this one puts back.
import { CAPPED } from './20261130001200-capped-client-search';
import { SEARCH_PAGE } from './20261130001500-sorted-search-page';

/**
 * A search's words that most clients hold are left out of what its trigram index looks up.
 *
 * The trigram index finds the rows holding every trigram of a search's words, and reads, for
 * each of those trigrams, the entry of every row that holds it: for "company 42" at 100,000
 * clients, the six trigrams of "company", which every client's company holds, made 600,000
 * entries read for 2,587 rows found, 3 of the search's 4 ms inside the server, while "42" alone
 * finds the same 2,587.
 *
 * - epic_search_index_pattern looks at 64 clients spread over the table (eight runs of ids, the
 *   first at the first id, the others an eighth of the ids apart) and gives the index the
 *   search's pattern without the words that half of them or more hold, if what is left still
 *   gives the index a trigram to look up and is held by a tenth of them at most; otherwise the
 *   whole pattern, as before. A word right after a backslash stays: it may be an escaped
 *   character, and `\%` would be a literal % that the search's matches need not hold. A search
 *   of one word is given whole without looking (nothing would be left).
 * - epic_client_candidates, plain SQL inlined where it is called, is what both client searches
 *   read: the clients whose searchText is LIKE the pattern given to the index, or whose phone is
 *   LIKE the phone pattern, of one salesperson if one is given, in a subquery that OFFSET 0
 *   keeps apart so that the planner gives the index nothing else. Without a valid session it
 *   finds nothing, and epic_search_index_pattern gives no pattern and reads no sample.
 *   epic_client_search_page (a search's page) and epic_client_ids_matching (the searches of
 *   `--all`, of `--not-contacted-since`, and of a `--sales` name that several salespeople
 *   share) keep those that match the whole search, so their rows are the same whichever pattern
 *   the index was given: a sample that misjudges a word costs time, never a row.
 * - epic_client_ids_matching loses its salesperson and limit, which only a search's page passed
 *   before it had its own function.
 */

const PINNED_PATH = 'SET search_path = pg_catalog, public, pg_temp';
const DEFINER = `SECURITY DEFINER ${PINNED_PATH}`;

const INDEX_PATTERN = `
  CREATE FUNCTION epic_search_index_pattern(p_pattern text) RETURNS text
    LANGUAGE plpgsql STABLE ${PINNED_PATH} AS $$
  DECLARE
    v_words text[] := ARRAY(SELECT DISTINCT w[1] FROM regexp_matches(p_pattern, '[[:alnum:]]+', 'g') AS w);
    v_sample text[];
    v_word text;
    v_index text := p_pattern;
  BEGIN
    -- Its sample reads clients: nothing, not even an error, without a valid session.
    IF (SELECT epic_actor_id()) IS NULL THEN
      RETURN NULL;
    END IF;
    IF cardinality(v_words) < 2 THEN
      RETURN p_pattern;
    END IF;
    -- Eight runs of eight ids: a run is mostly one page of the table, where 64 ids apart were 64.
    SELECT array_agg(c."searchText") INTO v_sample FROM clients c
     WHERE c.id = ANY (ARRAY(SELECT r.low + (r.high - r.low) / 8 * k + j FROM (SELECT min(id) AS low, max(id) AS high FROM clients) r, generate_series(0, 7) k, generate_series(0, 7) j));
    -- A table this small is read at once whatever the index is given.
    IF coalesce(cardinality(v_sample), 0) < 32 THEN
      RETURN p_pattern;
    END IF;
    FOREACH v_word IN ARRAY v_words LOOP
      -- Held anywhere in a client's text, inside a phone number or a word too.
      IF (SELECT count(*) FROM unnest(v_sample) s WHERE strpos(s, v_word) > 0) * 2 >= cardinality(v_sample) THEN
        -- The whole word only, and not right after a backslash: what replaces it then matches
        -- whatever it matched, so every match of the search still matches.
        v_index := regexp_replace(v_index, '(?<![[:alnum:][.backslash.]])' || v_word || '(?![[:alnum:]])', '%', 'g');
      END IF;
    END LOOP;
    IF v_index = p_pattern
       -- pg_trgm looks up a word of three characters, a shorter one where it starts, or one of
       -- two where it ends (a separator, not a wildcard, on that side).
       OR v_index !~ '[[:alnum:]]{3}|(^|[^%_[.backslash.][:alnum:]])[[:alnum:]]|[[:alnum:]]{2}([^%_[.backslash.][:alnum:]]|$)'
       OR (SELECT count(*) FROM unnest(v_sample) s WHERE s LIKE v_index) * 10 > cardinality(v_sample) THEN
      RETURN p_pattern;
    END IF;
    RETURN v_index;
  END $$;
  REVOKE ALL ON FUNCTION epic_search_index_pattern(text) FROM PUBLIC;`;

const CANDIDATES = `
  CREATE FUNCTION epic_client_candidates(p_index_pattern text, p_phone_pattern text, p_sales_contact int)
    RETURNS TABLE (id int, "foldedName" text, "searchText" text, phone text)
    LANGUAGE sql STABLE AS $$
    SELECT c.id, c."foldedName", c."searchText", c.phone::text FROM clients c
     WHERE (SELECT epic_actor_id()) IS NOT NULL
       AND (c."searchText" LIKE p_index_pattern OR c.phone LIKE p_phone_pattern)
       AND (p_sales_contact IS NULL OR c."salesContactId" = p_sales_contact)
    OFFSET 0 $$;
  REVOKE ALL ON FUNCTION epic_client_candidates(text, text, int) FROM PUBLIC;`;

const SEARCH_PAGE_OF_CANDIDATES = `
  CREATE OR REPLACE FUNCTION epic_client_search_page(p_pattern text, p_phone_pattern text, p_sales_contact int, p_cap int, p_limit int)
    RETURNS TABLE (id int, matching int)
    LANGUAGE plpgsql STABLE ROWS 30 ${DEFINER} SET plan_cache_mode = force_custom_plan AS $$
  DECLARE
    v_index_pattern text := epic_search_index_pattern(epic_fold(p_pattern));
  BEGIN
    -- The window counts the matches before the page's LIMIT applies.
    RETURN QUERY SELECT m.id, (count(*) OVER ())::int
      FROM (SELECT f.id, f."foldedName" FROM epic_client_candidates(v_index_pattern, p_phone_pattern, p_sales_contact) f
             WHERE epic_client_matches(f."searchText", f.phone, p_pattern, p_phone_pattern) LIMIT p_cap) m
      ORDER BY m."foldedName", m.id LIMIT p_limit;
  END $$;`;

const IDS_MATCHING = `
  CREATE FUNCTION epic_client_ids_matching(p_pattern text, p_phone_pattern text) RETURNS SETOF int
    LANGUAGE plpgsql STABLE ROWS 100 ${DEFINER} SET plan_cache_mode = force_custom_plan AS $$
  DECLARE
    v_index_pattern text := epic_search_index_pattern(epic_fold(p_pattern));
  BEGIN
    RETURN QUERY SELECT f.id FROM epic_client_candidates(v_index_pattern, p_phone_pattern, NULL) f
      WHERE epic_client_matches(f."searchText", f.phone, p_pattern, p_phone_pattern);
  END $$;`;

export async function up(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.transaction(async (transaction) => {
    await queryInterface.sequelize.query(
      `${INDEX_PATTERN} ${CANDIDATES} ${SEARCH_PAGE_OF_CANDIDATES} DROP FUNCTION epic_client_ids_matching(text, text, int, int); ${IDS_MATCHING}`,
      { transaction },
    );
    await grantToRuntime(queryInterface, ['epic_client_ids_matching(text, text)'], transaction);
  });
}

export async function down(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.transaction(async (transaction) => {
    await queryInterface.sequelize.query(
      `DROP FUNCTION epic_client_ids_matching(text, text); ${CAPPED}
       ALTER FUNCTION epic_client_ids_matching(text, text, int, int) SET plan_cache_mode = force_custom_plan;
       ${SEARCH_PAGE} DROP FUNCTION epic_client_candidates(text, text, int); DROP FUNCTION epic_search_index_pattern(text);`,
      { transaction },
    );
    await grantToRuntime(queryInterface, ['epic_client_ids_matching(text, text, int, int)'], transaction);
  });
}
