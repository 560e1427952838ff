import type { QueryInterface } from 'sequelize';

/**
 * Tab completion of collaborator names through the folded-name prefix index, as for clients and
 * events (migration 20261130000300), and a cheaper epic_is_contact.
 *
 * Completion searched the collaborators table as the runtime role: row-level security applies
 * the policy (epic_is_contact for a non-manager) to every collaborator before the prefix, which
 * no index can serve past the policy (epic_fold is not LEAKPROOF), and sorts what is left
 * (16.7 ms at 100,000 clients under load). epic_names_starting now also answers
 * 'collaborator': it walks the prefix index in folded order and keeps the collaborators the
 * runtime_select policy of collaborators lets the actor see — a manager all, anyone themselves
 * and the contacts of some client or event — until it has p_limit of them.
 *
 * The probes of epic_is_contact move to epic_has_records, which the completion calls without
 * checking the session again for each collaborator (epic_actor_id costs about 0.25 ms under
 * load; the policy's epic_is_contact took 0.7 ms a collaborator). They were planned anew on
 * every call (force_custom_plan), because a plan made once for any collaborator chose to scan
 * all events for a salesperson; sequential scans are now off inside epic_has_records instead,
 * so the plan kept for every call probes the two indexes, whatever the collaborator.
 */

const DEFINER = 'SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp';

const NAMES_STARTING = (collaborators: string) => `
  CREATE OR REPLACE FUNCTION epic_names_starting(p_kind text, p_pattern text, p_limit int) RETURNS TABLE(name text)
    LANGUAGE plpgsql STABLE ROWS 20 ${DEFINER} AS $$
  BEGIN
    IF (SELECT epic_actor_id()) IS NULL THEN
      RETURN;
    ELSIF p_kind = 'client' THEN
      RETURN QUERY SELECT "fullName"::text FROM clients WHERE epic_fold("fullName") COLLATE "C" LIKE epic_fold(p_pattern)
        ORDER BY epic_fold("fullName") COLLATE "C" LIMIT p_limit;
    ELSIF p_kind = 'event' THEN
      RETURN QUERY SELECT events.name::text FROM events WHERE epic_fold(events.name) COLLATE "C" LIKE epic_fold(p_pattern)
        ORDER BY epic_fold(events.name) COLLATE "C" LIMIT p_limit;${collaborators}
    ELSE
      RAISE EXCEPTION 'unknown kind %', p_kind USING ERRCODE = 'invalid_parameter_value';
    END IF;
  END $$;`;

const COLLABORATORS = `
    ELSIF p_kind = 'collaborator' THEN
      -- Those the runtime_select policy of collaborators lets the actor see.
      RETURN QUERY SELECT c."fullName"::text FROM collaborators c WHERE epic_fold(c."fullName") COLLATE "C" LIKE epic_fold(p_pattern)
          AND ((SELECT epic_actor_role()) = 'management' OR c.id = (SELECT epic_actor_id()) OR epic_has_records(c.id))
        ORDER BY epic_fold(c."fullName") COLLATE "C" LIMIT p_limit;`;

// Whether a collaborator is the contact of some client or event, without the session check:
// only the owner's functions call it (the runtime role may not), after checking the session.
const HAS_RECORDS = `
  CREATE FUNCTION epic_has_records(p_collaborator int) RETURNS boolean
    LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp SET enable_seqscan = off AS $$
    SELECT EXISTS (SELECT 1 FROM clients WHERE "salesContactId" = p_collaborator)
        OR EXISTS (SELECT 1 FROM events WHERE "supportContactId" = p_collaborator) $$;
  REVOKE ALL ON FUNCTION epic_has_records(int) FROM PUBLIC;`;

/** Also what migration 20261201000300 puts back when it is undone. */
export const IS_CONTACT = (settings: string, contact: string) => `
  CREATE OR REPLACE FUNCTION epic_is_contact(p_collaborator int) RETURNS boolean
    LANGUAGE plpgsql STABLE ${DEFINER}${settings} AS $$
  BEGIN
    IF (SELECT epic_actor_id()) IS NULL THEN
      RETURN false;
    END IF;
    RETURN ${contact};
  END $$;`;

const PROBES = `EXISTS (SELECT 1 FROM clients WHERE "salesContactId" = p_collaborator)
        OR EXISTS (SELECT 1 FROM events WHERE "supportContactId" = p_collaborator)`;

export async function up(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.transaction(async (transaction) => {
    // CREATE OR REPLACE keeps the functions' owner and grants, and replaces their settings.
    await queryInterface.sequelize.query(`${HAS_RECORDS}${IS_CONTACT('', 'epic_has_records(p_collaborator)')}${NAMES_STARTING(COLLABORATORS)}`, { transaction });
  });
}

export async function down(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.transaction(async (transaction) => {
    await queryInterface.sequelize.query(`${IS_CONTACT(' SET plan_cache_mode = force_custom_plan', PROBES)}${NAMES_STARTING('')} DROP FUNCTION epic_has_records(int);`, { transaction });
  });
}
