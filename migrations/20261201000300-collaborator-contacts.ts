import type { QueryInterface } from 'sequelize';
import { DERIVE_SALES_CONTACTS } from './20261130000500-list-plans-by-owner';
import { COLLABORATORS_VISIBLE, THROUGH_FUNCTION } from './20261130000300-index-friendly-row-security';
import { IS_CONTACT } from './20261130000600-collaborator-completion';
import { grantToRuntime } from './20261130001200-capped-client-search';
import { DERIVE_LAST_CONTACTS, deriveColumns } from './20261130001400-stored-last-contact';

/**
 * The collaborators who are someone's contact, kept in a table by triggers, so that the
 * collaborators policy looks a collaborator up there instead of calling a function for each.
 *
 * A non-manager sees the collaborators who are the salesperson of some client or the support of
 * some event. The policy asked epic_is_contact, a SECURITY DEFINER PL/pgSQL function that checked
 * the session and called epic_has_records (two index probes, in a SQL function with settings of
 * its own): 25–50 µs a call, the probes a small part of it, once for each collaborator a
 * statement names. Of the 0.85–1.0 ms a page of 30 clients took in the server for a salesperson
 * (100,000 clients, 20 salespeople), 0.5 ms were the check of its 20 salespeople; an event page
 * checks salespeople and support staff. The probes cannot simply be written in the policy: the
 * planner, which plans them once for any collaborator, expects a sequential scan to meet a
 * collaborator's row early, and reads every row for one who owns none (migration
 * 20261130000300: 90 ms of a `client show`).
 *
 * collaborator_contacts holds the id of every collaborator who is the salesperson of a client or
 * the support of an event: a row per contact, as many as the company has staff at most. The
 * policy's check is a look-up in it. Triggers on clients and events keep it as records are
 * created, reassigned and deleted; a collaborator's row goes when their last record does.
 * Whether a collaborator is a contact is decided by one transaction at a time (a lock on their
 * id until commit): one giving them a record and another taking their last away, at once, would
 * otherwise each see the other's change too late and leave them out. Commands write in READ
 * COMMITTED, where each statement of the trigger sees what committed before it: the second
 * waits for the first and sees its change. Like the other derived data it is not exported, and
 * `epic db import`, which loads with triggers off, makes it again (epic_derive_columns).
 *
 * The runtime role may read it with a session, never write it.
 */

const DEFINER = 'SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp';

const CONTACT_LISTED = 'EXISTS (SELECT 1 FROM collaborator_contacts cc WHERE cc."collaboratorId" = collaborators.id)';

/** Makes the table again from the records: after an import, or when clients or events are emptied. */
const DERIVE_COLLABORATOR_CONTACTS = `
    DELETE FROM collaborator_contacts cc WHERE NOT epic_has_records(cc."collaboratorId");
    INSERT INTO collaborator_contacts ("collaboratorId")
      SELECT "salesContactId" FROM clients WHERE "salesContactId" IS NOT NULL
      UNION SELECT "supportContactId" FROM events WHERE "supportContactId" IS NOT NULL
      ON CONFLICT DO NOTHING;`;

const UP = (owner: string, runtime: string) => `
  CREATE TABLE collaborator_contacts (
    "collaboratorId" int PRIMARY KEY REFERENCES collaborators (id) ON DELETE CASCADE
  );
  ALTER TABLE collaborator_contacts ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
  CREATE POLICY owner_all ON collaborator_contacts TO ${owner} USING (true) WITH CHECK (true);
  CREATE POLICY runtime_select ON collaborator_contacts FOR SELECT TO ${runtime} USING ((SELECT epic_actor_id()) IS NOT NULL);
  GRANT SELECT ON collaborator_contacts TO ${runtime};

  -- A record's contact changed from p_old to p_new (either may be NULL). Each collaborator's
  -- membership is locked until commit, in id order within a change.
  CREATE FUNCTION epic_contact_changed(p_old int, p_new int) RETURNS void LANGUAGE plpgsql ${DEFINER} AS $$
  DECLARE
    who int;
  BEGIN
    IF p_old IS NOT DISTINCT FROM p_new THEN
      RETURN;
    END IF;
    FOR who IN SELECT c FROM unnest(ARRAY[p_old, p_new]) c WHERE c IS NOT NULL ORDER BY c LOOP
      PERFORM pg_advisory_xact_lock('collaborator_contacts'::regclass::oid::int, who);
    END LOOP;
    IF p_new IS NOT NULL THEN
      INSERT INTO collaborator_contacts ("collaboratorId") VALUES (p_new) ON CONFLICT DO NOTHING;
    END IF;
    IF p_old IS NOT NULL AND NOT epic_has_records(p_old) THEN
      DELETE FROM collaborator_contacts WHERE "collaboratorId" = p_old;
    END IF;
  END $$;

  CREATE FUNCTION epic_keep_contacts() RETURNS trigger LANGUAGE plpgsql ${DEFINER} AS $$
  BEGIN
    IF TG_OP = 'TRUNCATE' THEN
      ${DERIVE_COLLABORATOR_CONTACTS}
    ELSIF TG_TABLE_NAME = 'clients' THEN
      PERFORM epic_contact_changed(OLD."salesContactId", NEW."salesContactId");
    ELSE
      PERFORM epic_contact_changed(OLD."supportContactId", NEW."supportContactId");
    END IF;
    RETURN NULL;
  END $$;

  REVOKE ALL ON FUNCTION epic_contact_changed(int, int), epic_keep_contacts() FROM PUBLIC;

  CREATE TRIGGER clients_collaborator_contacts AFTER INSERT OR DELETE OR UPDATE OF "salesContactId" ON clients
    FOR EACH ROW EXECUTE FUNCTION epic_keep_contacts();
  CREATE TRIGGER clients_emptied_collaborator_contacts AFTER TRUNCATE ON clients
    FOR EACH STATEMENT EXECUTE FUNCTION epic_keep_contacts();
  CREATE TRIGGER events_collaborator_contacts AFTER INSERT OR DELETE OR UPDATE OF "supportContactId" ON events
    FOR EACH ROW EXECUTE FUNCTION epic_keep_contacts();
  CREATE TRIGGER events_emptied_collaborator_contacts AFTER TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION epic_keep_contacts();

  ${deriveColumns(DERIVE_SALES_CONTACTS + DERIVE_LAST_CONTACTS + DERIVE_COLLABORATOR_CONTACTS)}
  SELECT epic_derive_columns();

  ${COLLABORATORS_VISIBLE(CONTACT_LISTED)};
  DROP FUNCTION epic_is_contact(int);`;

const DOWN = `
  ${IS_CONTACT('', 'epic_has_records(p_collaborator)')}
  -- Priced at its cost, as migration 20261130000900 left it.
  ALTER FUNCTION epic_is_contact(int) COST 5000;
  ${THROUGH_FUNCTION};
  ${deriveColumns(DERIVE_SALES_CONTACTS + DERIVE_LAST_CONTACTS)}
  DROP TRIGGER clients_collaborator_contacts ON clients;
  DROP TRIGGER clients_emptied_collaborator_contacts ON clients;
  DROP TRIGGER events_collaborator_contacts ON events;
  DROP TRIGGER events_emptied_collaborator_contacts ON events;
  DROP FUNCTION epic_keep_contacts(), epic_contact_changed(int, int);
  DROP TABLE collaborator_contacts;`;

export async function up(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.transaction(async (transaction) => {
    const [[row]] = (await queryInterface.sequelize.query('SELECT epic_runtime_role() AS runtime, current_user::text AS owner', { transaction })) as [{ runtime: string; owner: string }[], unknown];
    await queryInterface.sequelize.query(UP(queryInterface.quoteIdentifier(row.owner), queryInterface.quoteIdentifier(row.runtime)), { transaction });
  });
}

export async function down(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.transaction(async (transaction) => {
    await queryInterface.sequelize.query(DOWN, { transaction });
    await grantToRuntime(queryInterface, ['epic_is_contact(int)'], transaction);
  });
}
