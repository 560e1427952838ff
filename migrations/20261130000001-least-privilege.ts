import type { QueryInterface, Transaction } from 'sequelize';
import { readConfig } from '../lib/config';

/**
 * Least privilege, enforced by PostgreSQL (README, "Database accounts"). The account running
 * this migration becomes the owner of everything; it creates the runtime role
 * `<database>_app` when missing, which may only:
 *  - call the SECURITY DEFINER functions below (login, session, passwords, roles);
 *  - read and write the record tables through row-level security policies that mirror
 *    lib/permissions.ts, with the acting collaborator resolved from the session token the
 *    transaction handed over (`epic.session`), and column privileges or triggers where a role
 *    may change only some columns;
 *  - never see password hashes, lock-out counters, sessions or the security policy.
 * Every refusal is SQLSTATE 42501 (insufficient_privilege).
 */

const RECORD_TABLES = ['collaborators', 'clients', 'contracts', 'events'];
const ALL_TABLES = [...RECORD_TABLES, 'sessions', 'security_policy', '"SequelizeMeta"'];

/**
 * Search path of every function here: nothing a caller can create (a temporary table named
 * like one of ours) comes first. The SECURITY DEFINER ones run as the owner.
 */
const PINNED = 'SET search_path = pg_catalog, public, pg_temp';
const DEFINER = `SECURITY DEFINER ${PINNED}`;

// ---------------------------------------------------------------------------------------------
// The security policy: one row, read by the functions only.
// ---------------------------------------------------------------------------------------------
const SECURITY_POLICY = `
  CREATE TABLE security_policy (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    "idleMinutes" integer NOT NULL CHECK ("idleMinutes" > 0),
    "sessionHours" integer NOT NULL CHECK ("sessionHours" > 0),
    "maxFailedLogins" integer NOT NULL DEFAULT 5 CHECK ("maxFailedLogins" > 0),
    "lockMinutes" integer NOT NULL DEFAULT 15 CHECK ("lockMinutes" > 0),
    -- NIST SP 800-63B-4: at most 100 consecutive failures before a manager must unlock.
    "maxConsecutiveFailures" integer NOT NULL DEFAULT 100 CHECK ("maxConsecutiveFailures" BETWEEN 1 AND 100),
    "bcryptCost" integer NOT NULL CHECK ("bcryptCost" BETWEEN 10 AND 20),
    -- Unknown emails are compared against it, so that they take as long as a wrong password.
    "decoyHash" text NOT NULL,
    "runtimeRole" name NOT NULL,
    -- Failed logins with an unknown email, counted as a known email's failures are: the same
    -- write, so that both cost the same (measured: without it, 40 ms apart under load).
    "unknownEmailFailures" bigint NOT NULL DEFAULT 0
  );
  INSERT INTO security_policy ("idleMinutes", "sessionHours", "bcryptCost", "decoyHash", "runtimeRole")
    VALUES (:idleMinutes, :sessionHours, :bcryptCost,
            crypt(encode(gen_random_bytes(18), 'base64'), gen_salt('bf', :bcryptCost)), :runtimeRole);`;

// ---------------------------------------------------------------------------------------------
// Passwords and lock-out (internal: not executable by the runtime role).
// ---------------------------------------------------------------------------------------------
const PASSWORD_HELPERS = `
  -- A bcrypt hash of the password at the policy's cost. Passwords arrive normalised by the
  -- application; bcrypt ignores what lies beyond 72 bytes, so longer ones are refused.
  CREATE FUNCTION epic_hash_password(p_password text) RETURNS text
    LANGUAGE plpgsql VOLATILE ${DEFINER} AS $$
  BEGIN
    IF p_password IS NULL OR octet_length(p_password) > 72 THEN
      RAISE EXCEPTION 'a password is at most 72 bytes' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN crypt(p_password, gen_salt('bf', (SELECT "bcryptCost" FROM security_policy)));
  END $$;

  -- pgcrypto checks $2a$ hashes; the npm bcrypt package writes $2b$, the same computation for
  -- passwords of at most 72 bytes. A hash that is not bcrypt ('!': no password yet) and a
  -- password too long to be right are checked against the decoy, to take the same time.
  CREATE FUNCTION epic_password_matches(p_password text, p_hash text) RETURNS boolean
    LANGUAGE plpgsql VOLATILE ${DEFINER} AS $$
  DECLARE
    usable boolean := p_hash ~ '^\\$2[aby]\\$[0-9]{2}\\$' AND octet_length(coalesce(p_password, '')) <= 72;
    hash text := CASE WHEN usable THEN regexp_replace(p_hash, '^\\$2[by]\\$', '$2a$')
                      ELSE (SELECT "decoyHash" FROM security_policy) END;
  BEGIN
    RETURN crypt(coalesce(p_password, ''), hash) = hash AND usable;
  END $$;

  -- Checks a collaborator's password and applies the lock-out: 'ok', 'failed' or 'locked'.
  -- Each maxFailedLogins-th consecutive failure locks for lockMinutes, the count going on;
  -- at maxConsecutiveFailures the lock lasts until a manager sets a new password. Attempts
  -- while locked do not count; a right password while locked says 'locked'.
  CREATE FUNCTION epic_check_password(p_collaborator int, p_password text) RETURNS text
    LANGUAGE plpgsql VOLATILE ${DEFINER} AS $$
  DECLARE
    settings security_policy;
    target collaborators;
    failures int;
  BEGIN
    SELECT * INTO settings FROM security_policy;
    SELECT * INTO target FROM collaborators WHERE id = p_collaborator FOR UPDATE;
    IF NOT FOUND THEN
      PERFORM epic_password_matches(p_password, NULL);
      UPDATE security_policy SET "unknownEmailFailures" = "unknownEmailFailures" + 1;
      RETURN 'failed';
    END IF;
    IF epic_password_matches(p_password, target."passwordHash") THEN
      RETURN CASE WHEN target."lockedUntil" > now() THEN 'locked' ELSE 'ok' END;
    END IF;
    IF target."lockedUntil" > now() THEN
      RETURN 'failed';
    END IF;
    failures := target."failedLoginCount" + 1;
    UPDATE collaborators SET
      "failedLoginCount" = failures,
      "lockedUntil" = CASE
        WHEN failures >= settings."maxConsecutiveFailures" THEN 'infinity'::timestamptz
        WHEN failures % settings."maxFailedLogins" = 0 THEN now() + make_interval(mins => settings."lockMinutes")
        ELSE "lockedUntil" END
      WHERE id = target.id;
    RETURN 'failed';
  END $$;

  CREATE FUNCTION epic_token_hash(p_token text) RETURNS text
    LANGUAGE sql IMMUTABLE ${DEFINER} AS $$ SELECT encode(sha256(convert_to(p_token, 'UTF8')), 'hex') $$;`;

// ---------------------------------------------------------------------------------------------
// Sessions: the token the transaction handed over decides who acts.
// ---------------------------------------------------------------------------------------------
const SESSION_FUNCTIONS = `
  -- The session of epic.session when it is valid: known, not idle, not expired (database clock).
  CREATE FUNCTION epic_current_session() RETURNS sessions
    LANGUAGE sql STABLE ${DEFINER} AS $$
    SELECT s.* FROM sessions s, security_policy p
     WHERE s."tokenHash" = epic_token_hash(current_setting('epic.session', true))
       AND s."expiresAt" > now()
       AND s."lastUsedAt" + make_interval(mins => p."idleMinutes") >= now() $$;

  CREATE FUNCTION epic_actor_id() RETURNS int
    LANGUAGE sql STABLE ${DEFINER} AS $$ SELECT ("collaboratorId") FROM epic_current_session() $$;

  CREATE FUNCTION epic_actor_role() RETURNS text
    LANGUAGE sql STABLE ${DEFINER} AS $$
    SELECT c.role::text FROM collaborators c WHERE c.id = (SELECT "collaboratorId" FROM epic_current_session()) $$;

  CREATE FUNCTION epic_login(p_email text, p_password text)
    RETURNS TABLE(outcome text, token text, collaborator_id int, full_name text, role text,
                  must_change_password boolean, locked_until timestamptz)
    LANGUAGE plpgsql VOLATILE ${DEFINER} AS $$
  DECLARE
    settings security_policy;
    account collaborators;
    verdict text;
    fresh text := encode(gen_random_bytes(32), 'hex');
  BEGIN
    -- A failure counted for a known email writes; an unknown email does not. Waiting for that
    -- write to reach the disk at commit would tell them apart: a login commits without waiting
    -- (a crash may forget the last few counts or sessions, never corrupt them).
    PERFORM set_config('synchronous_commit', 'off', true);
    SELECT * INTO settings FROM security_policy;
    SELECT * INTO account FROM collaborators c WHERE lower(c.email) = lower(p_email);
    verdict := epic_check_password(account.id, p_password);
    IF verdict = 'locked' THEN
      SELECT c."lockedUntil" INTO account."lockedUntil" FROM collaborators c WHERE c.id = account.id;
      RETURN QUERY SELECT 'locked', NULL::text, NULL::int, NULL::text, NULL::text, NULL::boolean, account."lockedUntil";
      RETURN;
    ELSIF verdict = 'failed' THEN
      RETURN QUERY SELECT 'failed', NULL::text, NULL::int, NULL::text, NULL::text, NULL::boolean, NULL::timestamptz;
      RETURN;
    END IF;
    UPDATE collaborators c SET
      "failedLoginCount" = 0,
      "lockedUntil" = NULL,
      "passwordHash" = CASE WHEN substring(c."passwordHash" FROM 5 FOR 2)::int < settings."bcryptCost"
                            THEN epic_hash_password(p_password) ELSE c."passwordHash" END
      WHERE c.id = account.id;
    DELETE FROM sessions s WHERE s."collaboratorId" = account.id
      AND (s."expiresAt" <= now() OR s."lastUsedAt" + make_interval(mins => settings."idleMinutes") < now());
    INSERT INTO sessions ("tokenHash", "collaboratorId", "createdAt", "lastUsedAt", "expiresAt")
      VALUES (epic_token_hash(fresh), account.id, now(), now(), now() + make_interval(hours => settings."sessionHours"));
    RETURN QUERY SELECT 'ok', fresh, account.id, account."fullName"::text, account.role::text,
                        account."mustChangePassword", NULL::timestamptz;
  END $$;

  -- Hands the session token to this transaction and says whether it is valid; when it is, the
  -- session was used now and the acting collaborator is locked FOR SHARE until commit, so a
  -- concurrent role change or deletion waits for the command (or the command for it).
  CREATE FUNCTION epic_begin(p_token text)
    RETURNS TABLE(status text, collaborator_id int, full_name text, role text,
                  must_change_password boolean, idle_minutes int)
    LANGUAGE plpgsql VOLATILE ${DEFINER} AS $$
  DECLARE
    settings security_policy;
    found_session sessions;
    actor collaborators;
  BEGIN
    PERFORM set_config('epic.session', coalesce(p_token, ''), true);
    SELECT * INTO settings FROM security_policy;
    SELECT * INTO found_session FROM sessions s WHERE s."tokenHash" = epic_token_hash(p_token) FOR UPDATE;
    IF NOT FOUND THEN
      status := 'ended';
    ELSIF found_session."expiresAt" <= now() THEN
      status := 'expired';
    ELSIF found_session."lastUsedAt" + make_interval(mins => settings."idleMinutes") < now() THEN
      status := 'idle';
    ELSE
      SELECT * INTO actor FROM collaborators c WHERE c.id = found_session."collaboratorId" FOR SHARE;
      UPDATE sessions s SET "lastUsedAt" = now() WHERE s.id = found_session.id;
      status := 'ok';
      collaborator_id := actor.id;
      full_name := actor."fullName";
      role := actor.role;
      must_change_password := actor."mustChangePassword";
    END IF;
    idle_minutes := settings."idleMinutes";
    RETURN NEXT;
  END $$;

  CREATE FUNCTION epic_logout() RETURNS void
    LANGUAGE sql VOLATILE ${DEFINER} AS $$
    DELETE FROM sessions WHERE "tokenHash" = epic_token_hash(current_setting('epic.session', true)) $$;`;

// ---------------------------------------------------------------------------------------------
// Accounts: first manager, own password, resets and role changes.
// ---------------------------------------------------------------------------------------------
const ACCOUNT_FUNCTIONS = `
  CREATE FUNCTION epic_require_manager() RETURNS int
    LANGUAGE plpgsql STABLE ${DEFINER} AS $$
  BEGIN
    IF epic_actor_role() IS DISTINCT FROM 'management' THEN
      RAISE EXCEPTION 'only management may do this' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN epic_actor_id();
  END $$;

  CREATE FUNCTION epic_needs_first_manager() RETURNS boolean
    LANGUAGE sql STABLE ${DEFINER} AS $$ SELECT NOT EXISTS (SELECT 1 FROM collaborators) $$;

  CREATE FUNCTION epic_create_first_manager(p_full_name text, p_email text, p_password text) RETURNS int
    LANGUAGE plpgsql VOLATILE ${DEFINER} AS $$
  DECLARE
    created int;
  BEGIN
    -- Two setups at once: the second waits, then finds the first manager.
    LOCK TABLE collaborators IN SHARE ROW EXCLUSIVE MODE;
    IF EXISTS (SELECT 1 FROM collaborators) THEN
      RAISE EXCEPTION 'setup is only for an empty database' USING ERRCODE = 'unique_violation';
    END IF;
    INSERT INTO collaborators ("fullName", email, role, "passwordHash", "mustChangePassword", "createdAt", "updatedAt")
      VALUES (p_full_name, p_email, 'management', epic_hash_password(p_password), false, now(), now())
      RETURNING id INTO created;
    RETURN created;
  END $$;

  CREATE FUNCTION epic_change_password(p_current text, p_new text) RETURNS text
    LANGUAGE plpgsql VOLATILE ${DEFINER} AS $$
  DECLARE
    actor int := epic_actor_id();
    verdict text;
  BEGIN
    IF actor IS NULL THEN
      RAISE EXCEPTION 'not logged in' USING ERRCODE = 'insufficient_privilege';
    END IF;
    verdict := epic_check_password(actor, p_current);
    IF verdict <> 'ok' THEN
      RETURN verdict;
    END IF;
    UPDATE collaborators SET "passwordHash" = epic_hash_password(p_new), "mustChangePassword" = false,
                             "failedLoginCount" = 0, "lockedUntil" = NULL, "updatedAt" = now()
      WHERE id = actor;
    DELETE FROM sessions WHERE "collaboratorId" = actor
      AND "tokenHash" <> epic_token_hash(current_setting('epic.session', true));
    RETURN 'ok';
  END $$;

  CREATE FUNCTION epic_set_password(p_collaborator int, p_password text, p_actor_password text) RETURNS text
    LANGUAGE plpgsql VOLATILE ${DEFINER} AS $$
  DECLARE
    actor int := epic_require_manager();
    target collaborators;
  BEGIN
    IF p_collaborator = actor THEN
      RAISE EXCEPTION 'a manager changes their own password with passwd: use passwd' USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO target FROM collaborators WHERE id = p_collaborator FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'no collaborator %', p_collaborator USING ERRCODE = 'no_data_found';
    END IF;
    IF target.role = 'management' THEN
      IF p_actor_password IS NULL THEN
        RAISE EXCEPTION 'setting a manager''s password needs the acting manager''s password' USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF epic_check_password(actor, p_actor_password) <> 'ok' THEN
        RETURN 'failed';
      END IF;
    END IF;
    UPDATE collaborators SET "passwordHash" = epic_hash_password(p_password), "mustChangePassword" = true,
                             "failedLoginCount" = 0, "lockedUntil" = NULL, "updatedAt" = now()
      WHERE id = target.id;
    DELETE FROM sessions WHERE "collaboratorId" = target.id;
    RETURN 'ok';
  END $$;

  CREATE FUNCTION epic_set_role(p_collaborator int, p_role text, p_actor_password text) RETURNS text
    LANGUAGE plpgsql VOLATILE ${DEFINER} AS $$
  DECLARE
    actor int := epic_require_manager();
    target collaborators;
  BEGIN
    IF epic_check_password(actor, p_actor_password) <> 'ok' THEN
      RETURN 'failed';
    END IF;
    SELECT * INTO target FROM collaborators WHERE id = p_collaborator FOR UPDATE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'no collaborator %', p_collaborator USING ERRCODE = 'no_data_found';
    END IF;
    IF target.role = p_role THEN
      RETURN 'ok';
    END IF;
    IF EXISTS (SELECT 1 FROM clients WHERE "salesContactId" = target.id) THEN
      RAISE EXCEPTION 'the collaborator is the sales contact of clients: reassign them first'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'collaborators_role_has_clients';
    END IF;
    IF EXISTS (SELECT 1 FROM events WHERE "supportContactId" = target.id AND "endsAt" >= now()) THEN
      RAISE EXCEPTION 'the collaborator is assigned to future events: unassign them first'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'collaborators_role_has_events';
    END IF;
    IF target.role = 'management' THEN
      PERFORM epic_assert_not_last_manager(target.id);
    END IF;
    UPDATE collaborators SET role = p_role, "updatedAt" = now() WHERE id = target.id;
    DELETE FROM sessions WHERE "collaboratorId" = target.id;
    RETURN 'ok';
  END $$;

  -- Managers are locked in id order, so two managers demoting each other cannot both succeed.
  CREATE FUNCTION epic_assert_not_last_manager(p_collaborator int) RETURNS void
    LANGUAGE plpgsql VOLATILE ${DEFINER} AS $$
  BEGIN
    PERFORM 1 FROM collaborators WHERE role = 'management' ORDER BY id FOR UPDATE;
    IF NOT EXISTS (SELECT 1 FROM collaborators WHERE role = 'management' AND id <> p_collaborator) THEN
      RAISE EXCEPTION 'the last manager must stay: the CRM needs at least one'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'collaborators_last_manager';
    END IF;
  END $$;

  CREATE FUNCTION epic_policy()
    RETURNS TABLE(idle_minutes int, session_hours int, bcrypt_cost int, max_failed_logins int, lock_minutes int)
    LANGUAGE sql STABLE ${DEFINER} AS $$
    SELECT "idleMinutes", "sessionHours", "bcryptCost", "maxFailedLogins", "lockMinutes" FROM security_policy $$;

  CREATE FUNCTION epic_runtime_role() RETURNS text
    LANGUAGE sql STABLE ${DEFINER} AS $$ SELECT "runtimeRole"::text FROM security_policy $$;`;

/** Functions the runtime role may call, with their argument types. */
const RUNTIME_FUNCTIONS = [
  'epic_login(text, text)',
  'epic_begin(text)',
  'epic_actor_id()',
  'epic_actor_role()',
  'epic_logout()',
  'epic_change_password(text, text)',
  'epic_set_password(int, text, text)',
  'epic_set_role(int, text, text)',
  'epic_create_first_manager(text, text, text)',
  'epic_needs_first_manager()',
  'epic_policy()',
  'epic_runtime_role()',
];
const INTERNAL_FUNCTIONS = [
  'epic_hash_password(text)',
  'epic_password_matches(text, text)',
  'epic_check_password(int, text)',
  'epic_token_hash(text)',
  'epic_current_session()',
  'epic_require_manager()',
  'epic_assert_not_last_manager(int)',
];

// ---------------------------------------------------------------------------------------------
// Triggers: the columns a role may change, and the cross-table checks (now locking).
// They bind the runtime role only: migrations, fixtures and the functions run as the owner.
// ---------------------------------------------------------------------------------------------
const TRIGGERS = `
  -- A manager reassigns a client (sales contact only); a salesperson edits its details only.
  CREATE FUNCTION clients_restrict_columns() RETURNS trigger LANGUAGE plpgsql ${PINNED} AS $$
  BEGIN
    IF current_user::text <> epic_runtime_role() THEN
      RETURN NEW;
    END IF;
    IF epic_actor_role() = 'management' AND (NEW."fullName", NEW.email, NEW.phone, NEW."companyName")
         IS DISTINCT FROM (OLD."fullName", OLD.email, OLD.phone, OLD."companyName") THEN
      RAISE EXCEPTION 'management may only reassign a client' USING ERRCODE = 'insufficient_privilege';
    ELSIF epic_actor_role() = 'sales' AND NEW."salesContactId" IS DISTINCT FROM OLD."salesContactId" THEN
      RAISE EXCEPTION 'sales may not reassign a client' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END $$;
  CREATE TRIGGER clients_restrict_columns BEFORE UPDATE ON clients
    FOR EACH ROW EXECUTE FUNCTION clients_restrict_columns();

  -- A manager assigns support only; sales and support edit the details, never the assignment.
  CREATE FUNCTION events_restrict_columns() RETURNS trigger LANGUAGE plpgsql ${PINNED} AS $$
  BEGIN
    IF current_user::text <> epic_runtime_role() THEN
      RETURN NEW;
    END IF;
    IF epic_actor_role() = 'management' AND (NEW.name, NEW."startsAt", NEW."endsAt", NEW.location, NEW.attendees, NEW.notes)
         IS DISTINCT FROM (OLD.name, OLD."startsAt", OLD."endsAt", OLD.location, OLD.attendees, OLD.notes) THEN
      RAISE EXCEPTION 'management may only assign support to an event' USING ERRCODE = 'insufficient_privilege';
    ELSIF epic_actor_role() <> 'management' AND NEW."supportContactId" IS DISTINCT FROM OLD."supportContactId" THEN
      RAISE EXCEPTION 'only management assigns support to an event' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END $$;
  CREATE TRIGGER events_restrict_columns BEFORE UPDATE ON events
    FOR EACH ROW EXECUTE FUNCTION events_restrict_columns();

  -- Not oneself, not the last manager (managers locked in id order, as in epic_set_role).
  CREATE FUNCTION collaborators_protect_delete() RETURNS trigger LANGUAGE plpgsql ${PINNED} AS $$
  BEGIN
    IF current_user::text <> epic_runtime_role() THEN
      RETURN OLD;
    END IF;
    IF OLD.id = epic_actor_id() THEN
      RAISE EXCEPTION 'a manager cannot delete their own account' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.role = 'management' THEN
      PERFORM 1 FROM collaborators WHERE role = 'management' ORDER BY id FOR UPDATE;
      IF NOT EXISTS (SELECT 1 FROM collaborators WHERE role = 'management' AND id <> OLD.id) THEN
        RAISE EXCEPTION 'the last manager must stay: the CRM needs at least one'
          USING ERRCODE = 'check_violation', CONSTRAINT = 'collaborators_last_manager';
      END IF;
    END IF;
    RETURN OLD;
  END $$;
  CREATE TRIGGER collaborators_protect_delete BEFORE DELETE ON collaborators
    FOR EACH ROW EXECUTE FUNCTION collaborators_protect_delete();

  -- The checks of the sales and support contacts run as the owner (the runtime role may not
  -- see every collaborator) and lock the collaborator FOR SHARE: a concurrent role change
  -- (epic_set_role locks FOR UPDATE) waits for this transaction, or this one sees its result.
  -- They fire AFTER the row is written, so after row-level security accepted it: a caller
  -- without the right can neither lock collaborators nor learn their roles through them.
  CREATE OR REPLACE FUNCTION clients_check_sales_contact() RETURNS trigger
    LANGUAGE plpgsql ${DEFINER} AS $$
  BEGIN
    PERFORM 1 FROM collaborators WHERE id = NEW."salesContactId" AND role = 'sales' FOR SHARE;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'the sales contact of a client must be a sales collaborator'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'clients_sales_contact_role_check';
    END IF;
    RETURN NEW;
  END $$;

  CREATE OR REPLACE FUNCTION events_check_links() RETURNS trigger
    LANGUAGE plpgsql ${DEFINER} AS $$
  BEGIN
    IF NOT EXISTS (SELECT 1 FROM contracts WHERE id = NEW."contractId" AND signed) THEN
      RAISE EXCEPTION 'an event needs a signed contract'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'events_contract_signed_check';
    END IF;
    IF NEW."supportContactId" IS NOT NULL THEN
      PERFORM 1 FROM collaborators WHERE id = NEW."supportContactId" AND role = 'support' FOR SHARE;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'the support contact of an event must be a support collaborator'
          USING ERRCODE = 'check_violation', CONSTRAINT = 'events_support_contact_role_check';
      END IF;
    END IF;
    RETURN NEW;
  END $$;
  DROP TRIGGER clients_sales_contact_role ON clients;
  CREATE TRIGGER clients_sales_contact_role AFTER INSERT OR UPDATE OF "salesContactId" ON clients
    FOR EACH ROW EXECUTE FUNCTION clients_check_sales_contact();
  DROP TRIGGER events_links ON events;
  CREATE TRIGGER events_links AFTER INSERT OR UPDATE OF "contractId", "supportContactId" ON events
    FOR EACH ROW EXECUTE FUNCTION events_check_links();`;

// The two checks as they were before this migration, restored by down().
const PREVIOUS_CHECKS = `
  CREATE OR REPLACE FUNCTION clients_check_sales_contact() RETURNS trigger LANGUAGE plpgsql SECURITY INVOKER RESET search_path AS $$
  BEGIN
    IF NOT EXISTS (SELECT 1 FROM collaborators WHERE id = NEW."salesContactId" AND role = 'sales') THEN
      RAISE EXCEPTION 'the sales contact of a client must be a sales collaborator'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'clients_sales_contact_role_check';
    END IF;
    RETURN NEW;
  END $$;
  CREATE OR REPLACE FUNCTION events_check_links() RETURNS trigger LANGUAGE plpgsql SECURITY INVOKER RESET search_path AS $$
  BEGIN
    IF NOT EXISTS (SELECT 1 FROM contracts WHERE id = NEW."contractId" AND signed) THEN
      RAISE EXCEPTION 'an event needs a signed contract'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'events_contract_signed_check';
    END IF;
    IF NEW."supportContactId" IS NOT NULL AND NOT EXISTS (
         SELECT 1 FROM collaborators WHERE id = NEW."supportContactId" AND role = 'support') THEN
      RAISE EXCEPTION 'the support contact of an event must be a support collaborator'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'events_support_contact_role_check';
    END IF;
    RETURN NEW;
  END $$;
  DROP TRIGGER clients_sales_contact_role ON clients;
  CREATE TRIGGER clients_sales_contact_role BEFORE INSERT OR UPDATE OF "salesContactId" ON clients
    FOR EACH ROW EXECUTE FUNCTION clients_check_sales_contact();
  DROP TRIGGER events_links ON events;
  CREATE TRIGGER events_links BEFORE INSERT OR UPDATE OF "contractId", "supportContactId" ON events
    FOR EACH ROW EXECUTE FUNCTION events_check_links();`;

// ---------------------------------------------------------------------------------------------
// Row-level security for the runtime role, mirroring lib/permissions.ts.
// A = (select epic_actor_id()), R = (select epic_actor_role()): init plans, once per statement.
// ---------------------------------------------------------------------------------------------
const A = '(SELECT epic_actor_id())';
const R = '(SELECT epic_actor_role())';
const SALES_OWNS_CLIENT = (clientId: string) =>
  `(${R} = 'sales' AND EXISTS (SELECT 1 FROM clients c WHERE c.id = ${clientId} AND c."salesContactId" = ${A}))`;
const SALES_OWNS_CONTRACT = (contractId: string) =>
  `(${R} = 'sales' AND EXISTS (SELECT 1 FROM contracts k JOIN clients c ON c.id = k."clientId"
                               WHERE k.id = ${contractId} AND c."salesContactId" = ${A}))`;

function runtimePolicies(runtime: string): string {
  const event = `(${R} = 'management' OR ${SALES_OWNS_CONTRACT('events."contractId"')} OR (${R} = 'support' AND "supportContactId" = ${A}))`;
  return `
  -- collaborators: management manages; everyone sees themselves and the contacts shown with records.
  CREATE POLICY runtime_select ON collaborators FOR SELECT TO ${runtime} USING (
    ${R} = 'management' OR id = ${A}
    OR (${A} IS NOT NULL AND (EXISTS (SELECT 1 FROM clients c WHERE c."salesContactId" = collaborators.id)
                           OR EXISTS (SELECT 1 FROM events e WHERE e."supportContactId" = collaborators.id))));
  CREATE POLICY runtime_insert ON collaborators FOR INSERT TO ${runtime} WITH CHECK (${R} = 'management');
  CREATE POLICY runtime_update ON collaborators FOR UPDATE TO ${runtime} USING (${R} = 'management') WITH CHECK (${R} = 'management');
  CREATE POLICY runtime_delete ON collaborators FOR DELETE TO ${runtime} USING (${R} = 'management');

  -- clients: everyone reads; sales create and edit their own; management reassigns.
  CREATE POLICY runtime_select ON clients FOR SELECT TO ${runtime} USING (${A} IS NOT NULL);
  CREATE POLICY runtime_insert ON clients FOR INSERT TO ${runtime} WITH CHECK (${R} = 'sales' AND "salesContactId" = ${A});
  CREATE POLICY runtime_update ON clients FOR UPDATE TO ${runtime}
    USING (${R} = 'management' OR (${R} = 'sales' AND "salesContactId" = ${A}))
    WITH CHECK (${R} = 'management' OR (${R} = 'sales' AND "salesContactId" = ${A}));
  CREATE POLICY runtime_delete ON clients FOR DELETE TO ${runtime} USING (${R} = 'sales' AND "salesContactId" = ${A});

  -- contracts: everyone reads; management creates and deletes; management and the client's sales contact edit.
  CREATE POLICY runtime_select ON contracts FOR SELECT TO ${runtime} USING (${A} IS NOT NULL);
  CREATE POLICY runtime_insert ON contracts FOR INSERT TO ${runtime} WITH CHECK (${R} = 'management');
  CREATE POLICY runtime_update ON contracts FOR UPDATE TO ${runtime}
    USING (${R} = 'management' OR ${SALES_OWNS_CLIENT('contracts."clientId"')})
    WITH CHECK (${R} = 'management' OR ${SALES_OWNS_CLIENT('contracts."clientId"')});
  CREATE POLICY runtime_delete ON contracts FOR DELETE TO ${runtime} USING (${R} = 'management');

  -- events: everyone reads; the client's sales contact creates (unassigned), edits and deletes;
  -- support edits the events assigned to them; management assigns support.
  CREATE POLICY runtime_select ON events FOR SELECT TO ${runtime} USING (${A} IS NOT NULL);
  CREATE POLICY runtime_insert ON events FOR INSERT TO ${runtime}
    WITH CHECK (${SALES_OWNS_CONTRACT('events."contractId"')} AND "supportContactId" IS NULL);
  CREATE POLICY runtime_update ON events FOR UPDATE TO ${runtime} USING ${event} WITH CHECK ${event};
  CREATE POLICY runtime_delete ON events FOR DELETE TO ${runtime} USING (${SALES_OWNS_CONTRACT('events."contractId"')});

  -- The shell checks that the schema is up to date.
  CREATE POLICY runtime_select ON "SequelizeMeta" FOR SELECT TO ${runtime} USING (true);`;
}

// Sequelize names "id" in every INSERT (VALUES (DEFAULT, ...)), which needs INSERT on it.
function runtimeGrants(runtime: string): string {
  const columns = (names: string[]) => names.map((name) => `"${name}"`).join(', ');
  const stamps = ['updatedAt', 'version'];
  const functions = RUNTIME_FUNCTIONS.map((f) => `GRANT EXECUTE ON FUNCTION ${f} TO ${runtime};`).join('\n  ');
  return `
  GRANT USAGE ON SCHEMA public TO ${runtime};
  GRANT SELECT ON "SequelizeMeta" TO ${runtime};
  GRANT SELECT (${columns(['id', 'fullName', 'email', 'role', 'mustChangePassword', 'lockedUntil', 'createdAt', ...stamps])}) ON collaborators TO ${runtime};
  GRANT INSERT (${columns(['id', 'fullName', 'email', 'role', 'mustChangePassword', 'createdAt', ...stamps])}) ON collaborators TO ${runtime};
  GRANT UPDATE (${columns(['fullName', 'email', ...stamps])}) ON collaborators TO ${runtime};
  GRANT DELETE ON collaborators TO ${runtime};
  GRANT SELECT, DELETE ON clients, contracts, events TO ${runtime};
  GRANT INSERT (${columns(['id', 'fullName', 'email', 'phone', 'companyName', 'salesContactId', 'createdAt', ...stamps])}) ON clients TO ${runtime};
  GRANT UPDATE (${columns(['fullName', 'email', 'phone', 'companyName', 'salesContactId', ...stamps])}) ON clients TO ${runtime};
  GRANT INSERT (${columns(['id', 'clientId', 'totalAmount', 'amountDue', 'signed', 'signedAt', 'createdAt', ...stamps])}) ON contracts TO ${runtime};
  GRANT UPDATE (${columns(['totalAmount', 'amountDue', 'signed', 'signedAt', ...stamps])}) ON contracts TO ${runtime};
  GRANT INSERT (${columns(['id', 'name', 'contractId', 'supportContactId', 'startsAt', 'endsAt', 'location', 'attendees', 'notes', 'createdAt', ...stamps])}) ON events TO ${runtime};
  GRANT UPDATE (${columns(['name', 'supportContactId', 'startsAt', 'endsAt', 'location', 'attendees', 'notes', ...stamps])}) ON events TO ${runtime};
  GRANT USAGE ON SEQUENCE collaborators_id_seq, clients_id_seq, contracts_id_seq, events_id_seq TO ${runtime};
  ${functions}`;
}

interface Accounts {
  runtime: string;
  runtimeName: string;
  owner: string;
}

/** Going up, the runtime role is named after the database; going down, as the policy says. */
async function accounts(queryInterface: QueryInterface, transaction: Transaction, going: 'up' | 'down'): Promise<Accounts> {
  const runtime = going === 'up' ? `current_database() || '_app'` : `(SELECT "runtimeRole"::text FROM security_policy)`;
  const [[row]] = (await queryInterface.sequelize.query(`SELECT ${runtime} AS runtime, current_user::text AS owner`, {
    transaction,
  })) as [{ runtime: string; owner: string }[], unknown];
  return { runtime: queryInterface.quoteIdentifier(row.runtime), runtimeName: row.runtime, owner: queryInterface.quoteIdentifier(row.owner) };
}

/** The runtime role, created when missing; an existing one must not bypass the rules. */
async function ensureRuntimeRole(queryInterface: QueryInterface, transaction: Transaction, { runtime, runtimeName }: Accounts): Promise<void> {
  const [found] = (await queryInterface.sequelize.query('SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = :name', {
    replacements: { name: runtimeName },
    transaction,
  })) as [{ rolsuper: boolean; rolbypassrls: boolean }[], unknown];
  if (found.length === 0) {
    await queryInterface.sequelize.query(`CREATE ROLE ${runtime} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOINHERIT`, { transaction });
  } else if (found[0].rolsuper || found[0].rolbypassrls) {
    throw new Error(`the role ${runtimeName} bypasses row-level security: it cannot be the runtime role of the CRM`);
  }
}

export async function up(queryInterface: QueryInterface): Promise<void> {
  // The initial policy comes from the migrating process's environment (README, "Configuration").
  const config = readConfig(process.env);
  await queryInterface.sequelize.transaction(async (transaction) => {
    const query = (sql: string, replacements?: Record<string, unknown>) => queryInterface.sequelize.query(sql, { transaction, replacements });
    const who = await accounts(queryInterface, transaction, 'up');
    await ensureRuntimeRole(queryInterface, transaction, who);
    await query('CREATE EXTENSION IF NOT EXISTS pgcrypto');
    await query(SECURITY_POLICY, {
      idleMinutes: Math.ceil(config.idleMinutes),
      sessionHours: Math.ceil(config.sessionHours),
      bcryptCost: config.bcryptCost,
      runtimeRole: who.runtimeName,
    });
    // '!' never matches a password: a collaborator created by the runtime role gets one from
    // epic_set_password. Room on each page lets failure counts be updated in place (HOT), a
    // write as small as the one counting unknown emails.
    await query(`ALTER TABLE collaborators ALTER COLUMN "passwordHash" SET DEFAULT '!', SET (fillfactor = 70)`);
    await query(PASSWORD_HELPERS);
    await query(SESSION_FUNCTIONS);
    await query(ACCOUNT_FUNCTIONS);
    await query(TRIGGERS);
    for (const table of ALL_TABLES) {
      await query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
                   CREATE POLICY owner_all ON ${table} TO ${who.owner} USING (true) WITH CHECK (true);`);
    }
    await query(runtimePolicies(who.runtime));
    const everyFunction = [...RUNTIME_FUNCTIONS, ...INTERNAL_FUNCTIONS];
    await query(`REVOKE ALL ON FUNCTION ${everyFunction.join(', ')} FROM PUBLIC`);
    await query(runtimeGrants(who.runtime));
  });
}

export async function down(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.transaction(async (transaction) => {
    const query = (sql: string) => queryInterface.sequelize.query(sql, { transaction });
    const who = await accounts(queryInterface, transaction, 'down');
    await query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${who.runtime};
                 REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${who.runtime};
                 REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM ${who.runtime};
                 REVOKE ALL ON SCHEMA public FROM ${who.runtime};`);
    for (const table of ALL_TABLES) {
      const [policies] = (await queryInterface.sequelize.query(
        `SELECT policyname FROM pg_policies WHERE schemaname = 'public' AND tablename = '${table.replace(/"/g, '')}'`,
        { transaction },
      )) as [{ policyname: string }[], unknown];
      for (const { policyname } of policies) await query(`DROP POLICY ${queryInterface.quoteIdentifier(policyname)} ON ${table}`);
      if (table !== 'security_policy') await query(`ALTER TABLE ${table} NO FORCE ROW LEVEL SECURITY, DISABLE ROW LEVEL SECURITY`);
    }
    await query(`DROP TRIGGER clients_restrict_columns ON clients;
                 DROP TRIGGER events_restrict_columns ON events;
                 DROP TRIGGER collaborators_protect_delete ON collaborators;
                 DROP FUNCTION clients_restrict_columns(), events_restrict_columns(), collaborators_protect_delete();`);
    await query(PREVIOUS_CHECKS);
    await query(`DROP FUNCTION ${[...RUNTIME_FUNCTIONS, ...INTERNAL_FUNCTIONS].join(', ')}`);
    await query(`DROP TABLE security_policy`);
    await query(`ALTER TABLE collaborators ALTER COLUMN "passwordHash" DROP DEFAULT, RESET (fillfactor)`);
    await query('DROP EXTENSION IF EXISTS pgcrypto');
    // The role is shared by every database cloned from this one: dropped only when unused.
    await query(`DO $$ BEGIN
                   EXECUTE format('DROP ROLE IF EXISTS %I', ${queryInterface.sequelize.escape(who.runtimeName)});
                 EXCEPTION WHEN dependent_objects_still_exist OR insufficient_privilege THEN NULL;
                 END $$`);
  });
}
