import type { QueryInterface, Transaction } from 'sequelize';
// The function as that migration made it, which undoing this one puts back.
import { CLIENT_IDS_MATCHING } from './20261130000300-index-friendly-row-security';

/**
 * A search that matches many clients reads its page about as fast as one that matches few.
 *
 * `client list --search` read every match through epic_client_ids_matching, then sorted them all
 * by name for a page of 30: a word that every client's company or email holds ("company",
 * "gmail") made that 100,000 rows and 0.6 s. The function now takes the salesperson the list is
 * narrowed to and how many matches to stop at (any of them: enough to count "1,000+"). When a
 * search has that many, the application walks the list's name order instead and keeps the rows
 * that match (readSearchPage in lib/services/page.ts): at that density a page is found within a
 * few hundred rows.
 *
 * What a search matches is written once, in epic_client_matches: the function's index search and
 * the application's walk both call it. It is a plain SQL function, inlined where it is called, so
 * the function's query still reads the trigram indexes. The function's two searches were joined
 * by UNION, which reads every match before a LIMIT applies; they are joined by OR now, which
 * PostgreSQL reads as one bitmap of both indexes. The search is planned apart from its LIMIT
 * (OFFSET 0): the plan kept for every call, made for an unknown limit, read every client in
 * table order for a search that finds few (25 ms instead of 11 for "company 42" at 100,000).
 */

const DEFINER = 'SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp';

const MATCHES = `
  CREATE FUNCTION epic_client_matches(p_search_text text, p_phone text, p_pattern text, p_phone_pattern text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT p_search_text LIKE epic_fold(p_pattern) OR p_phone LIKE p_phone_pattern $$;`;

/** The function as this migration makes it, which undoing migration 20261130001500 puts back. */
export const CAPPED = `
  CREATE FUNCTION epic_client_ids_matching(p_pattern text, p_phone_pattern text, p_sales_contact int, p_limit int) RETURNS SETOF int
    LANGUAGE plpgsql STABLE ROWS 100 ${DEFINER} AS $$
  BEGIN
    IF (SELECT epic_actor_id()) IS NULL THEN
      RETURN;
    END IF;
    RETURN QUERY SELECT m.id FROM (SELECT id FROM clients WHERE epic_client_matches("searchText", phone, p_pattern, p_phone_pattern)
        AND (p_sales_contact IS NULL OR "salesContactId" = p_sales_contact) OFFSET 0) m
      LIMIT p_limit;
  END $$;`;

export async function grantToRuntime(queryInterface: QueryInterface, signatures: string[], transaction: Transaction): Promise<void> {
  const [[{ runtime }]] = (await queryInterface.sequelize.query('SELECT "runtimeRole"::text AS runtime FROM security_policy', { transaction })) as [{ runtime: string }[], unknown];
  const role = queryInterface.quoteIdentifier(runtime);
  for (const signature of signatures) {
    await queryInterface.sequelize.query(`REVOKE ALL ON FUNCTION ${signature} FROM PUBLIC; GRANT EXECUTE ON FUNCTION ${signature} TO ${role}`, { transaction });
  }
}

export async function up(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.transaction(async (transaction) => {
    await queryInterface.sequelize.query(`DROP FUNCTION epic_client_ids_matching(text, text); ${MATCHES} ${CAPPED}`, { transaction });
    // The runtime role runs epic_client_matches in its own queries (the walk); inlined or not, it must be allowed to.
    await grantToRuntime(queryInterface, ['epic_client_matches(text, text, text, text)', 'epic_client_ids_matching(text, text, int, int)'], transaction);
  });
}

export async function down(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.transaction(async (transaction) => {
    await queryInterface.sequelize.query(`DROP FUNCTION epic_client_ids_matching(text, text, int, int); DROP FUNCTION epic_client_matches(text, text, text, text); ${CLIENT_IDS_MATCHING}`, {
      transaction,
    });
    await grantToRuntime(queryInterface, ['epic_client_ids_matching(text, text)'], transaction);
  });
}
