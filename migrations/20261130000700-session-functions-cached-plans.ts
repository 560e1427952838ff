import type { QueryInterface } from 'sequelize';

/**
 * The session's actor, resolved by PL/pgSQL functions instead of SQL ones.
 *
 * Row-level security asks `epic_actor_id()` and `epic_actor_role()` in every policy (once per
 * statement, as `(SELECT …)`), and `epic_is_contact` asks again for each collaborator a list
 * shows. As SQL functions that cannot be inlined (SECURITY DEFINER, pinned search_path), their
 * query was planned anew at every call: about 0.25 ms each, 2–8 ms of a `client show` at
 * 100,000 clients. PL/pgSQL keeps each statement's plan for the whole connection. What they
 * answer is unchanged: the collaborator and role of the valid session named by
 * `epic.session`, or NULL.
 */

const DEFINER = 'SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp';

const CACHED = `
  CREATE OR REPLACE FUNCTION epic_current_session() RETURNS sessions
    LANGUAGE plpgsql STABLE ${DEFINER} AS $$
  DECLARE
    found_session sessions;
  BEGIN
    -- epic_token_hash's expression, written out: a call to it would be planned at every call.
    SELECT s.* INTO found_session FROM sessions s, security_policy p
     WHERE s."tokenHash" = encode(sha256(convert_to(current_setting('epic.session', true), 'UTF8')), 'hex')
       AND s."expiresAt" > now()
       AND s."lastUsedAt" + make_interval(mins => p."idleMinutes") >= now();
    RETURN found_session;
  END $$;

  CREATE OR REPLACE FUNCTION epic_actor_id() RETURNS int
    LANGUAGE plpgsql STABLE ${DEFINER} AS $$
  BEGIN
    RETURN (epic_current_session())."collaboratorId";
  END $$;

  CREATE OR REPLACE FUNCTION epic_actor_role() RETURNS text
    LANGUAGE plpgsql STABLE ${DEFINER} AS $$
  BEGIN
    RETURN (SELECT c.role::text FROM collaborators c WHERE c.id = (epic_current_session())."collaboratorId");
  END $$;`;

const PLANNED_EACH_CALL = `
  CREATE OR REPLACE FUNCTION epic_current_session() RETURNS sessions
    LANGUAGE sql STABLE ${DEFINER} AS $$
    SELECT s.* FROM sessions s, security_policy p
     WHERE s."tokenHash" = epic_token_hash(current_setting('epic.session', true))
       AND s."expiresAt" > now()
       AND s."lastUsedAt" + make_interval(mins => p."idleMinutes") >= now() $$;

  CREATE OR REPLACE FUNCTION epic_actor_id() RETURNS int
    LANGUAGE sql STABLE ${DEFINER} AS $$ SELECT ("collaboratorId") FROM epic_current_session() $$;

  CREATE OR REPLACE FUNCTION epic_actor_role() RETURNS text
    LANGUAGE sql STABLE ${DEFINER} AS $$
    SELECT c.role::text FROM collaborators c WHERE c.id = (SELECT "collaboratorId" FROM epic_current_session()) $$;`;

export async function up(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.query(CACHED);
}

export async function down(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.query(PLANNED_EACH_CALL);
}
