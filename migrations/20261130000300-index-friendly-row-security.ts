import type { QueryInterface } from 'sequelize';

/**
 * Row-level security whose plans use the indexes: searches by name and text, and the
 * collaborators a non-manager may see.
 *
 * For the runtime role, every table has a policy, and PostgreSQL evaluates a condition built on
 * a function that is not LEAKPROOF — epic_fold, LIKE, pg_trgm's % — only on rows the policy has
 * already let through, so it cannot serve such a condition from an index: `client show Kevin
 * Casey` read all 100,000 clients (200 ms), the closest matches of an unknown name 600 ms.
 * Marking those functions LEAKPROOF would take a superuser and would be untrue (a cast error
 * can show a value). Instead these functions, run as the owner (whose policy lets every row
 * through, so the planner uses the indexes), return the ids or names that match, and nothing
 * at all without a valid session. They may return every match: a logged-in collaborator reads
 * every client and every event (the runtime_select policies), whatever their role. The
 * application then reads the rows by id, through the policies as always. Their ROWS estimates
 * (1 named, 5 closest, ...) let the planner fetch those rows by primary key.
 *
 * A non-manager sees the collaborators who are the contact of some client or event. Written as
 * EXISTS subqueries in the policy, the check was planned once for any collaborator, from the
 * average number of clients per salesperson: a sequential scan of all clients, which for a
 * collaborator owning none read every row (90 ms of a 100 ms `client show`). epic_is_contact
 * plans its two probes for the id at hand (force_custom_plan), so an index answers at once.
 */

const DEFINER = 'SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp';

/** Also what migration 20261130001200 puts back when it is undone. */
export const CLIENT_IDS_MATCHING = `
  CREATE FUNCTION epic_client_ids_matching(p_pattern text, p_phone_pattern text) RETURNS SETOF int
    LANGUAGE plpgsql STABLE ROWS 100 ${DEFINER} AS $$
  BEGIN
    IF (SELECT epic_actor_id()) IS NULL THEN
      RETURN;
    END IF;
    RETURN QUERY SELECT id FROM clients WHERE "searchText" LIKE epic_fold(p_pattern)
      UNION SELECT id FROM clients WHERE p_phone_pattern IS NOT NULL AND phone LIKE p_phone_pattern;
  END $$;`;

const FUNCTIONS = `
  -- Clients or events whose folded name is the folded p_name.
  CREATE FUNCTION epic_ids_named(p_kind text, p_name text) RETURNS SETOF int
    LANGUAGE plpgsql STABLE ROWS 1 ${DEFINER} AS $$
  BEGIN
    IF (SELECT epic_actor_id()) IS NULL THEN
      RETURN;
    ELSIF p_kind = 'client' THEN
      RETURN QUERY SELECT id FROM clients WHERE epic_fold("fullName") = epic_fold(p_name);
    ELSIF p_kind = 'event' THEN
      RETURN QUERY SELECT id FROM events WHERE epic_fold(name) = epic_fold(p_name);
    ELSE
      RAISE EXCEPTION 'unknown kind %', p_kind USING ERRCODE = 'invalid_parameter_value';
    END IF;
  END $$;

  -- The p_limit clients or events whose folded name is most like p_name (pg_trgm's %), or
  -- contains it (p_contains: a LIKE pattern, escaped by the caller), most similar first.
  CREATE FUNCTION epic_ids_resembling(p_kind text, p_name text, p_contains text, p_limit int) RETURNS SETOF int
    LANGUAGE plpgsql STABLE ROWS 5 ${DEFINER} AS $$
  BEGIN
    IF (SELECT epic_actor_id()) IS NULL THEN
      RETURN;
    ELSIF p_kind = 'client' THEN
      RETURN QUERY SELECT id FROM clients
        WHERE epic_fold("fullName") % epic_fold(p_name) OR epic_fold("fullName") LIKE epic_fold(p_contains)
        ORDER BY similarity(epic_fold("fullName"), epic_fold(p_name)) DESC, id LIMIT p_limit;
    ELSIF p_kind = 'event' THEN
      RETURN QUERY SELECT id FROM events
        WHERE epic_fold(name) % epic_fold(p_name) OR epic_fold(name) LIKE epic_fold(p_contains)
        ORDER BY similarity(epic_fold(name), epic_fold(p_name)) DESC, id LIMIT p_limit;
    ELSE
      RAISE EXCEPTION 'unknown kind %', p_kind USING ERRCODE = 'invalid_parameter_value';
    END IF;
  END $$;

  -- Names of clients or events starting with a prefix (p_pattern: escaped, ending in %), in
  -- folded order: the C-collation index of migration 20261130000002 serves range and order.
  CREATE FUNCTION epic_names_starting(p_kind text, p_pattern text, p_limit int) RETURNS TABLE(name text)
    LANGUAGE plpgsql STABLE ROWS 20 ${DEFINER} AS $$
  BEGIN
    IF (SELECT epic_actor_id()) IS NULL THEN
      RETURN;
    ELSIF p_kind = 'client' THEN
      RETURN QUERY SELECT "fullName"::text FROM clients WHERE epic_fold("fullName") COLLATE "C" LIKE epic_fold(p_pattern)
        ORDER BY epic_fold("fullName") COLLATE "C" LIMIT p_limit;
    ELSIF p_kind = 'event' THEN
      RETURN QUERY SELECT events.name::text FROM events WHERE epic_fold(events.name) COLLATE "C" LIKE epic_fold(p_pattern)
        ORDER BY epic_fold(events.name) COLLATE "C" LIMIT p_limit;
    ELSE
      RAISE EXCEPTION 'unknown kind %', p_kind USING ERRCODE = 'invalid_parameter_value';
    END IF;
  END $$;

  -- Clients whose folded name, email, company or phone (searchText) is LIKE p_pattern, or whose
  -- phone is LIKE p_phone_pattern when one is given (escaped patterns, from the caller).
  ${CLIENT_IDS_MATCHING}

  CREATE FUNCTION epic_is_contact(p_collaborator int) RETURNS boolean
    LANGUAGE plpgsql STABLE ${DEFINER} SET plan_cache_mode = force_custom_plan AS $$
  BEGIN
    IF (SELECT epic_actor_id()) IS NULL THEN
      RETURN false;
    END IF;
    RETURN EXISTS (SELECT 1 FROM clients WHERE "salesContactId" = p_collaborator)
        OR EXISTS (SELECT 1 FROM events WHERE "supportContactId" = p_collaborator);
  END $$;`;

/** The collaborators a non-manager may see, given the check that a collaborator is someone's contact (also migration 20261201000300). */
export const COLLABORATORS_VISIBLE = (contact: string) => `
  ALTER POLICY runtime_select ON collaborators USING (
    (SELECT epic_actor_role()) = 'management' OR id = (SELECT epic_actor_id())
    OR ((SELECT epic_actor_id()) IS NOT NULL AND ${contact}))`;
export const THROUGH_FUNCTION = COLLABORATORS_VISIBLE('epic_is_contact(id)');
const THROUGH_SUBQUERIES = COLLABORATORS_VISIBLE(`(EXISTS (SELECT 1 FROM clients c WHERE c."salesContactId" = collaborators.id)
        OR EXISTS (SELECT 1 FROM events e WHERE e."supportContactId" = collaborators.id))`);

const SIGNATURES = [
  'epic_ids_named(text, text)',
  'epic_ids_resembling(text, text, text, int)',
  'epic_names_starting(text, text, int)',
  'epic_client_ids_matching(text, text)',
  'epic_is_contact(int)',
];

export async function up(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.transaction(async (transaction) => {
    await queryInterface.sequelize.query(FUNCTIONS, { transaction });
    const [[{ runtime }]] = (await queryInterface.sequelize.query('SELECT "runtimeRole"::text AS runtime FROM security_policy', { transaction })) as [
      { runtime: string }[],
      unknown,
    ];
    const role = queryInterface.quoteIdentifier(runtime);
    for (const signature of SIGNATURES) {
      await queryInterface.sequelize.query(`REVOKE ALL ON FUNCTION ${signature} FROM PUBLIC; GRANT EXECUTE ON FUNCTION ${signature} TO ${role}`, { transaction });
    }
    await queryInterface.sequelize.query(THROUGH_FUNCTION, { transaction });
  });
}

export async function down(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.transaction(async (transaction) => {
    await queryInterface.sequelize.query(THROUGH_SUBQUERIES, { transaction });
    await queryInterface.sequelize.query(SIGNATURES.map((signature) => `DROP FUNCTION ${signature};`).join('\n'), { transaction });
  });
}
