import type { QueryInterface } from 'sequelize';
import { grantToRuntime } from './20261130001200-capped-client-search';
// The functions as that migration made them, which undoing this one puts back.
import { CANDIDATES, IDS_MATCHING, INDEX_PATTERN, SEARCH_PAGE } from './20261130001500-client-search-pages';

/**
 * Client searches find their candidates through every piece of two and three characters of the
 * clients' text, spaces and punctuation included, and look up only the rarest pieces of a search.
 *
 * pg_trgm's index knows the trigrams of words: a search of two characters ("42") gave it nothing
 * to look up, so it read every client until it had found 2,001 matches (14 ms at 100,000
 * clients), and the space between two words was not in any trigram, so "bulk 4" read the 25,692
 * clients holding "bulk" and a word starting with 4 to find none (13 ms). And it reads, for each
 * trigram of a search, the entry of every client that holds it: the words most clients hold had
 * to be left out of what it was given (epic_search_index_pattern).
 *
 * - clients_search_grams_idx indexes epic_search_grams("searchText"): every substring of two and
 *   of three characters of a client's folded name, email, company and phone. "42" is one of them;
 *   "k 4" is one of "bulk 4". It replaces both trigram indexes of the search (searchText and
 *   phone: the phone is part of searchText, as it is stored).
 * - epic_like_grams gives the pieces that every text LIKE a pattern holds: the trigrams of each
 *   run of two characters or more between its wildcards (its pair, if two), escaped characters
 *   as themselves.
 * - epic_client_index_grams looks at the same 64 clients as the index pattern did (eight runs of
 *   ids across the table) and gives the index, of a search's pieces, the three that fewest of them
 *   hold, and of those only the ones that half of them do not hold: a piece that most clients
 *   hold costs reading all their entries and narrows little ("company" in "company 42"). For a
 *   search that looks like a phone number it does the same with the digits the phone is searched
 *   for. When a side has no piece left (a search of one character, or of pieces most clients
 *   hold), or the table is too small for a sample, the index is given nothing and the clients are
 *   read in table order: a search whose matches are that common finds them within its first rows.
 *   Without a valid session it gives nothing and reads nothing.
 * - epic_client_candidates reads the clients holding all the pieces of either side through the
 *   index (or every client without them); the search functions keep those that match the whole
 *   search, as before, so the pieces chosen cost time, never a row.
 * - Computing a client's pieces takes about 30 µs: the planner must read the index, never compute
 *   them on each row it reads. It charges the index's condition on every row a bitmap scan
 *   fetches too, so, told by the index's statistics that a piece is held by nearly every client,
 *   it read the table instead (a count of the clients holding "bul" took 4.6 s at 100,000
 *   clients). The index keeps no statistics (ANALYZE would also compute the pieces of its 30,000
 *   sampled clients, about a second): the planner takes a piece to be rare, and the sample above
 *   is what keeps common ones from it. epic_search_grams's cost says the rest.
 * - epic_client_search_page finds a page in the one statement the list sends. The list sent up to
 *   six (a glance at its first rows, the function, then a walk of its order between two settings of
 *   enable_sort), each a round trip and its work in the application: `--search 4` took 9.6–11.1 ms
 *   before, 5.8–6.2 after. Its fourth argument is now how many matches make the count "1,000+" (or
 *   the page's size and more), which the function reaches among the list's first rows, or beyond
 *   which it stops counting.
 *
 * epic_search_grams reads nothing and depends on its argument alone, like epic_fold: anyone may
 * run it, so that the runtime role's inserts and updates of clients compute the index's entries.
 */

const PINNED_PATH = 'SET search_path = pg_catalog, public, pg_temp';
const DEFINER = `SECURITY DEFINER ${PINNED_PATH}`;

const GRAMS = `
  CREATE FUNCTION epic_search_grams(p_text text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT COST 10000 AS $$
    SELECT ARRAY(SELECT substr(p_text, i, n) FROM generate_series(2, 3) n, generate_series(1, length(p_text) - n + 1) i) $$;
  CREATE INDEX clients_search_grams_idx ON clients USING gin (epic_search_grams("searchText")) WITH (gin_pending_list_limit = 64);
  ALTER INDEX clients_search_grams_idx ALTER COLUMN 1 SET STATISTICS 0;
  DROP INDEX clients_search_trgm_idx, clients_phone_trgm_idx;`;

const LIKE_GRAMS = `
  CREATE FUNCTION epic_like_grams(p_pattern text) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE STRICT ${PINNED_PATH} AS $$
  DECLARE
    v_runs text[] := '{}';
    v_run text := '';
    v_char text;
    v_at int := 1;
  BEGIN
    WHILE v_at <= length(p_pattern) LOOP
      v_char := substr(p_pattern, v_at, 1);
      IF v_char = chr(92) THEN
        -- A backslash: the character after it is itself.
        v_at := v_at + 1;
        v_run := v_run || substr(p_pattern, v_at, 1);
      ELSIF v_char IN ('%', '_') THEN
        v_runs := v_runs || v_run;
        v_run := '';
      ELSE
        v_run := v_run || v_char;
      END IF;
      v_at := v_at + 1;
    END LOOP;
    v_runs := v_runs || v_run;
    RETURN ARRAY(SELECT DISTINCT substr(r, i, least(length(r), 3)) FROM unnest(v_runs) r, generate_series(1, length(r) - least(length(r), 3) + 1) i
                  WHERE length(r) >= 2 ORDER BY 1);
  END $$;
  REVOKE ALL ON FUNCTION epic_like_grams(text) FROM PUBLIC;`;

const RAREST_GRAMS = `
  CREATE FUNCTION epic_rarest_grams(p_grams text[], p_sample text[]) RETURNS text[]
    LANGUAGE sql IMMUTABLE ${PINNED_PATH} AS $$
    SELECT array_agg(r.gram ORDER BY r.held, r.gram) FROM (
      SELECT g AS gram, (SELECT count(*) FROM unnest(p_sample) s WHERE strpos(s, g) > 0) AS held FROM unnest(p_grams) g
       ORDER BY 2, 1 LIMIT 3) r
     WHERE r.held * 2 < cardinality(p_sample) $$;
  REVOKE ALL ON FUNCTION epic_rarest_grams(text[], text[]) FROM PUBLIC;`;

const INDEX_GRAMS = `
  CREATE FUNCTION epic_client_index_grams(p_pattern text, p_phone_pattern text, OUT text_grams text[], OUT phone_grams text[])
    LANGUAGE plpgsql STABLE ${PINNED_PATH} AS $$
  DECLARE
    v_text_pieces text[] := epic_like_grams(epic_fold(p_pattern));
    v_phone_pieces text[] := epic_like_grams(p_phone_pattern);
    v_sample text[];
  BEGIN
    -- Its sample reads clients: nothing, not even an error, without a valid session.
    IF (SELECT epic_actor_id()) IS NULL THEN
      RETURN;
    END IF;
    -- A side without pieces (one character) has every client read: nothing to sample for.
    IF cardinality(v_text_pieces) = 0 OR cardinality(v_phone_pieces) = 0 THEN
      RETURN;
    END IF;
    -- Eight runs of eight ids: a run is mostly one page of the table, where 64 ids apart were 64.
    SELECT array_agg(c."searchText") INTO v_sample FROM clients c
     WHERE c.id = ANY (ARRAY(SELECT r.low + (r.high - r.low) / 8 * k + j FROM (SELECT min(id) AS low, max(id) AS high FROM clients) r, generate_series(0, 7) k, generate_series(0, 7) j));
    -- A table this small is read at once.
    IF coalesce(cardinality(v_sample), 0) < 32 THEN
      RETURN;
    END IF;
    text_grams := epic_rarest_grams(v_text_pieces, v_sample);
    phone_grams := epic_rarest_grams(v_phone_pieces, v_sample);
    -- A side the index cannot narrow has every client read: then the index is not read at all.
    IF text_grams IS NULL OR (p_phone_pattern IS NOT NULL AND phone_grams IS NULL) THEN
      text_grams := NULL;
      phone_grams := NULL;
    END IF;
  END $$;
  REVOKE ALL ON FUNCTION epic_client_index_grams(text, text) FROM PUBLIC;`;

/** The clients of the salesperson a search is narrowed to (any client when none is given). */
export const OF_SALESPERSON = '(p_sales_contact IS NULL OR c."salesContactId" = p_sales_contact)';
/** Whether the client row named `row` matches the search the function was given. */
export const matchesSearch = (row: string) => `epic_client_matches(${row}."searchText", ${row}.phone, p_pattern, p_phone_pattern)`;
/** The matches among the list's first `rows` clients in table order, as a FROM item and its condition. */
export const firstClientsMatching = (rows: number) => `(SELECT c."searchText", c.phone FROM clients c WHERE ${OF_SALESPERSON} LIMIT ${rows}) f WHERE ${matchesSearch('f')}`;

const GRAM_CANDIDATES = `
  CREATE FUNCTION epic_client_candidates(p_grams text[], p_phone_grams text[], p_sales_contact int)
    RETURNS TABLE (id int, "foldedName" text, "searchText" text, phone text)
    LANGUAGE sql STABLE AS $$
    SELECT c.id, c."foldedName", c."searchText", c.phone::text FROM clients c
     WHERE (SELECT epic_actor_id()) IS NOT NULL
       AND (p_grams IS NULL OR epic_search_grams(c."searchText") @> p_grams
            OR (p_phone_grams IS NOT NULL AND epic_search_grams(c."searchText") @> p_phone_grams))
       AND ${OF_SALESPERSON}
    OFFSET 0 $$;
  REVOKE ALL ON FUNCTION epic_client_candidates(text[], text[], int) FROM PUBLIC;`;

/**
 * How a page of a search is found, all in the one statement the list sends: the list's first
 * GLANCE rows in table order, then, when they match densely enough, its first CROWD_SAMPLE; the
 * index, for at most SORT_CAP matches; the walk of the list's order. See the function.
 */
export const GLANCE = 100;
export const CROWD_SAMPLE = 1200;
export const SORT_CAP = 2001;

/** The page function's name, arguments, result and settings. */
export const SEARCH_PAGE_SIGNATURE = `epic_client_search_page(p_pattern text, p_phone_pattern text, p_sales_contact int, p_enough int, p_limit int)
    RETURNS TABLE (id int, matching int)
    LANGUAGE plpgsql STABLE ROWS 30 ${DEFINER} SET plan_cache_mode = force_custom_plan SET enable_sort = on AS $$`;

/** The page function reads clients as the owner. */
export const SESSION_CHECK = `-- It reads clients as the owner: nothing without a valid session.
    IF (SELECT epic_actor_id()) IS NULL THEN
      RETURN;
    END IF;`;

/** The page from at most v_sort_cap matches the index finds, sorted: returned when there are fewer. */
export const SORTED_PAGE = `SELECT coalesce(max(p.matching), 0), array_agg(p.id) INTO v_matching, v_page
        FROM (SELECT m.id, (count(*) OVER ())::int AS matching
                FROM (SELECT f.id, f."foldedName" FROM epic_client_candidates(v_grams, v_phone_grams, p_sales_contact) f
                       WHERE ${matchesSearch('f')} LIMIT v_sort_cap) m
               ORDER BY m."foldedName", m.id LIMIT p_limit) p;
      IF v_matching < v_sort_cap THEN
        RETURN QUERY SELECT p.id, v_matching FROM unnest(v_page) p(id);
        RETURN;
      END IF;`;

/** The page from a walk of the list's order, for a search with more matches than that. */
export const WALKED_PAGE = `-- More matches than that: so common in the list's order that walking it finds the page sooner
    -- than sorting them all (about p_limit x clients / matches rows). The planner takes a LIKE to
    -- keep few rows and would sort every match: no sorts, for this statement (the function's SET
    -- puts the setting back when it returns; set_config, as a STABLE function may not run SET).
    PERFORM set_config('enable_sort', 'off', true);
    RETURN QUERY SELECT c.id, v_matching FROM clients c
      WHERE ${OF_SALESPERSON} AND ${matchesSearch('c')}
      ORDER BY c."foldedName", c.id LIMIT p_limit;`;

export const GRAM_SEARCH_PAGE = `
  CREATE FUNCTION ${SEARCH_PAGE_SIGNATURE}
  DECLARE
    v_sort_cap int := greatest(${SORT_CAP}, p_enough);
    v_grams text[];
    v_phone_grams text[];
    v_matching int := 0;
    v_page int[];
  BEGIN
    ${SESSION_CHECK}
    -- A search that most clients match ("company", an email's domain) has p_enough matches among
    -- the list's first rows: counted there, the count is "1,000+" for certain, and the page is
    -- walked without reading an index that holds most clients. Most searches stop at the glance.
    IF p_enough <= ${CROWD_SAMPLE} THEN
      SELECT count(*) INTO v_matching FROM ${firstClientsMatching(GLANCE)};
      IF v_matching * ${2 * CROWD_SAMPLE} >= p_enough * ${GLANCE} THEN
        SELECT count(*) INTO v_matching FROM (SELECT 1 FROM ${firstClientsMatching(CROWD_SAMPLE)} LIMIT p_enough) s;
      ELSE
        v_matching := 0;
      END IF;
    END IF;
    IF v_matching < p_enough THEN
      -- The matches the index finds, at most v_sort_cap of them, counted and sorted as they are found.
      SELECT g.text_grams, g.phone_grams INTO v_grams, v_phone_grams FROM epic_client_index_grams(p_pattern, p_phone_pattern) g;
      ${SORTED_PAGE}
    END IF;
    ${WALKED_PAGE}
  END $$;`;

const GRAM_IDS_MATCHING = `
  CREATE FUNCTION epic_client_ids_matching(p_pattern text, p_phone_pattern text) RETURNS SETOF int
    LANGUAGE plpgsql STABLE ROWS 100 ${DEFINER} SET plan_cache_mode = force_custom_plan AS $$
  DECLARE
    v_grams text[];
    v_phone_grams text[];
  BEGIN
    SELECT g.text_grams, g.phone_grams INTO v_grams, v_phone_grams FROM epic_client_index_grams(p_pattern, p_phone_pattern) g;
    RETURN QUERY SELECT f.id FROM epic_client_candidates(v_grams, v_phone_grams, NULL) f
      WHERE ${matchesSearch('f')};
  END $$;`;

/** The page function's signature, as grants and drops name it. */
export const SEARCH_PAGE_FUNCTION = 'epic_client_search_page(text, text, int, int, int)';
const SEARCHES = [SEARCH_PAGE_FUNCTION, 'epic_client_ids_matching(text, text)'];
/** The runtime role ran the check of a search's matches in its own walk of the name order, which the page's function now does. */
const MATCHES = 'epic_client_matches(text, text, text, text)';
const REVOKE_MATCHES = `DO $$ BEGIN EXECUTE format('REVOKE ALL ON FUNCTION ${MATCHES} FROM %I', (SELECT "runtimeRole"::text FROM security_policy)); END $$;`;
const DROP_SEARCHES = `DROP FUNCTION ${SEARCH_PAGE_FUNCTION}; DROP FUNCTION epic_client_ids_matching(text, text);`;

export async function up(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.transaction(async (transaction) => {
    await queryInterface.sequelize.query(
      `${DROP_SEARCHES} DROP FUNCTION epic_client_candidates(text, text, int); DROP FUNCTION epic_search_index_pattern(text);
       ${GRAMS} ${LIKE_GRAMS} ${RAREST_GRAMS} ${INDEX_GRAMS} ${GRAM_CANDIDATES} ${GRAM_SEARCH_PAGE} ${GRAM_IDS_MATCHING} ${REVOKE_MATCHES}`,
      { transaction },
    );
    await grantToRuntime(queryInterface, SEARCHES, transaction);
  });
}

export async function down(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.transaction(async (transaction) => {
    await queryInterface.sequelize.query(
      `${DROP_SEARCHES} DROP FUNCTION epic_client_candidates(text[], text[], int); DROP FUNCTION epic_client_index_grams(text, text);
       DROP FUNCTION epic_rarest_grams(text[], text[]); DROP FUNCTION epic_like_grams(text);
       DROP INDEX clients_search_grams_idx; DROP FUNCTION epic_search_grams(text);
       CREATE INDEX clients_search_trgm_idx ON clients USING gin ("searchText" gin_trgm_ops) WITH (gin_pending_list_limit = 64);
       CREATE INDEX clients_phone_trgm_idx ON clients USING gin (phone gin_trgm_ops) WITH (gin_pending_list_limit = 64);
       ${INDEX_PATTERN} ${CANDIDATES} ${SEARCH_PAGE} ${IDS_MATCHING}`,
      { transaction },
    );
    await grantToRuntime(queryInterface, [...SEARCHES, MATCHES], transaction);
  });
}
