import type { QueryInterface } from 'sequelize';
// The function as migration 20261130001200 left it, which undoing this one puts back, and its grant.
import { CAPPED, grantToRuntime } from './20261130001200-capped-client-search';

/**
 * Client searches: a page sorted where its matches are found, each search planned for its own
 * pattern, and the words most clients hold left to the check rather than the trigram index.
 *
 * - epic_client_search_page reads a page of `client list --search`. The page took the ids
 *   epic_client_ids_matching found (up to 2,001), read each of those clients again by its key,
 *   joined its salesperson and sorted them all by name for a page of 30: for "company 42" at
 *   100,000 clients, 1,100 matches, 3 of the query's 8 ms went to the 1,070 rows the page then
 *   left out. The function sorts the matches where it finds them, in the client lists' order
 *   ("foldedName", then id), and returns the page's ids with how many matches it saw (up to
 *   p_cap), so the list reads only the page's rows. Every logged-in collaborator may read every
 *   client (the clients policy), so none of the rows it returns is hidden from the list that asked.
 * - Both search functions are planned for the search they run, at every call. PL/pgSQL keeps a
 *   generic plan of a query once five calls have not shown a custom one to be cheaper, and the
 *   generic plan of a search neither knows its pattern (not that "42" gives the trigram index
 *   nothing to look up, and the salesperson's index is the one to read) nor folds the pattern
 *   once: it folded it again for every row it checked, through unaccent. From the sixth search
 *   of a shell on, `client list --mine --search 42` took 230 ms instead of 10, `--search bulk 4`
 *   50 instead of 17, at 100,000 clients. Planning a search takes about 0.2 ms.
 * - The trigram index finds the rows holding every trigram of a search's words and reads, for
 *   each of those trigrams, the entry of every row that holds it: for "company 42", the six
 *   trigrams of "company", which every client's company holds, made 600,000 entries read for
 *   2,587 rows found, 3 of the search's 4 ms inside the server, while "42" alone finds the same
 *   2,587. epic_search_index_pattern looks at 64 clients spread over the table (eight runs of
 *   ids, the first at the first id, the others an eighth of the ids apart) and gives the index
 *   the search's pattern without the words that half of them or more hold, if what is left still
 *   gives the index a trigram to look up and is held by a tenth of them at most; otherwise the
 *   whole pattern. A word right after a backslash stays: it may be an escaped character, and
 *   `\%` would be a literal % that the search's matches need not hold. A search of one word is
 *   given whole without looking (nothing would be left).
 * - epic_client_candidates, plain SQL inlined where it is called, is what both searches read:
 *   the clients whose searchText is LIKE the pattern given to the index, or whose phone is LIKE
 *   the phone pattern, of one salesperson if one is given, in a subquery that OFFSET 0 keeps
 *   apart so that the planner gives the index nothing else. Without a valid session it finds
 *   nothing, and epic_search_index_pattern gives no pattern and reads no sample. The page and
 *   epic_client_ids_matching (the searches of `--all`, of `--not-contacted-since`, and of a
 *   `--sales` name that several salespeople share) keep those that match the whole search, so
 *   their rows are the same whichever pattern the index was given: a sample that misjudges a
 *   word costs time, never a row.
 * - epic_client_ids_matching loses its salesperson and limit, which only a search's page passed.
 */

const PINNED_PATH = 'SET search_path = pg_catalog, public, pg_temp';
const DEFINER = `SECURITY DEFINER ${PINNED_PATH}`;

// The functions as this migration makes them (INDEX_PATTERN to IDS_MATCHING), which undoing migration 20261201000100 puts back.
export const INDEX_PATTERN = `
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

export const CANDIDATES = `
  CREATE FUNCTION epic_client_candidates(p_index_pattern text, p_phone_pattern text, p_sales_contact int)
    RETURNS TABLE (id int, "foldedName" text, "searchText" text, phone text)
    LANGUAGE sql STABLE AS $$
    SELECT c.id, c."foldedName", c."searchText", c.phone::text FROM clients c
     WHERE (SELECT epic_actor_id()) IS NOT NULL
       AND (c."searchText" LIKE p_index_pattern OR c.phone LIKE p_phone_pattern)
       AND (p_sales_contact IS NULL OR c."salesContactId" = p_sales_contact)
    OFFSET 0 $$;
  REVOKE ALL ON FUNCTION epic_client_candidates(text, text, int) FROM PUBLIC;`;

export const SEARCH_PAGE = `
  CREATE FUNCTION epic_client_search_page(p_pattern text, p_phone_pattern text, p_sales_contact int, p_cap int, p_limit int)
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

export const IDS_MATCHING = `
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
      `${INDEX_PATTERN} ${CANDIDATES} ${SEARCH_PAGE} DROP FUNCTION epic_client_ids_matching(text, text, int, int); ${IDS_MATCHING}`,
      { transaction },
    );
    await grantToRuntime(queryInterface, ['epic_client_search_page(text, text, int, int, int)', 'epic_client_ids_matching(text, text)'], transaction);
  });
}

export async function down(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.transaction(async (transaction) => {
    await queryInterface.sequelize.query(
      `DROP FUNCTION epic_client_search_page(text, text, int, int, int); DROP FUNCTION epic_client_ids_matching(text, text);
       DROP FUNCTION epic_client_candidates(text, text, int); DROP FUNCTION epic_search_index_pattern(text); ${CAPPED}`,
      { transaction },
    );
    await grantToRuntime(queryInterface, ['epic_client_ids_matching(text, text, int, int)'], transaction);
  });
}
