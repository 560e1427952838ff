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
 * created, reassigned and deleted, once per statement (a statement moving a salesperson's
 * thousands of clients asks once whether they still hold any); a collaborator's row goes when
 * their last record does. Whether a collaborator is a contact is decided by one transaction at
 * a time (a lock on their id until it ends): one giving them a record and another taking their
 * last away, at once, would otherwise each miss the other's change and leave them out. In READ
 * COMMITTED, which commands use, the second waits and then sees the first's change; in
 * REPEATABLE READ or SERIALIZABLE, whose snapshot cannot see it, the second fails (could not
 * serialize) rather than decide from records it cannot see, because every decision writes the
 * collaborator's row. Like the other derived data the table is not exported, and `epic db
 * import`, which loads with triggers off, makes it again (epic_derive_columns).
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

/**
 * A trigger that keeps the table for changes of `column` in `table`, one call per statement.
 * Those whose records a statement took away are the contacts its old rows name and its new rows
 * do not; those it gave records to, the reverse: one who keeps a record in the statement keeps
 * their place. (Sets, not a join of old and new rows: a plan kept from a statement of one row
 * would have joined a bulk move's rows pair by pair.)
 */
const KEEPING = (table: string, column: string) => `
  CREATE FUNCTION epic_keep_contacts_of_${table}() RETURNS trigger LANGUAGE plpgsql ${DEFINER} AS $$
  BEGIN
    IF TG_OP = 'INSERT' THEN
      PERFORM epic_contacts_changed('{}', ARRAY(SELECT DISTINCT "${column}" FROM new_rows WHERE "${column}" IS NOT NULL));
    ELSIF TG_OP = 'DELETE' THEN
      PERFORM epic_contacts_changed(ARRAY(SELECT DISTINCT "${column}" FROM old_rows WHERE "${column}" IS NOT NULL), '{}');
    ELSE
      PERFORM epic_contacts_changed(
        ARRAY(SELECT "${column}" FROM old_rows WHERE "${column}" IS NOT NULL EXCEPT SELECT "${column}" FROM new_rows),
        ARRAY(SELECT "${column}" FROM new_rows WHERE "${column}" IS NOT NULL EXCEPT SELECT "${column}" FROM old_rows));
    END IF;
    RETURN NULL;
  END $$;
  REVOKE ALL ON FUNCTION epic_keep_contacts_of_${table}() FROM PUBLIC;
  CREATE TRIGGER ${table}_collaborator_contacts_added AFTER INSERT ON ${table}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION epic_keep_contacts_of_${table}();
  CREATE TRIGGER ${table}_collaborator_contacts_changed AFTER UPDATE ON ${table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION epic_keep_contacts_of_${table}();
  CREATE TRIGGER ${table}_collaborator_contacts_removed AFTER DELETE ON ${table}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION epic_keep_contacts_of_${table}();`;

const UP = (owner: string, runtime: string) => `
  CREATE TABLE collaborator_contacts (
    "collaboratorId" int PRIMARY KEY REFERENCES collaborators (id) ON UPDATE CASCADE ON DELETE CASCADE
  );
  ALTER TABLE collaborator_contacts ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
  CREATE POLICY owner_all ON collaborator_contacts TO ${owner} USING (true) WITH CHECK (true);
  CREATE POLICY runtime_select ON collaborator_contacts FOR SELECT TO ${runtime} USING ((SELECT epic_actor_id()) IS NOT NULL);
  GRANT SELECT ON collaborator_contacts TO ${runtime};

  -- A statement took records away from the collaborators p_removed and gave records to p_added.
  CREATE FUNCTION epic_contacts_changed(p_removed int[], p_added int[]) RETURNS void LANGUAGE plpgsql ${DEFINER} AS $$
  DECLARE
    who int;
  BEGIN
    -- Most updates (a phone, a name) change nobody's records.
    IF cardinality(p_removed) = 0 AND cardinality(p_added) = 0 THEN
      RETURN;
    END IF;
    -- One transaction at a time decides for a collaborator, locked until it ends (in id order:
    -- two statements moving records between the same people wait rather than deadlock). In READ
    -- COMMITTED, which commands use, each statement below then sees what the one before
    -- committed: a record given to them while their last one is taken away keeps them listed.
    FOR who IN SELECT DISTINCT c FROM unnest(p_removed || p_added) c WHERE c IS NOT NULL ORDER BY c LOOP
      PERFORM pg_advisory_xact_lock('collaborator_contacts'::regclass::oid::int, who);
    END LOOP;
    -- Every decision writes the collaborator's row, even to keep it as it is: a transaction in
    -- REPEATABLE READ or SERIALIZABLE, whose snapshot misses what another committed meanwhile,
    -- then fails (could not serialize) instead of deciding from records it cannot see.
    INSERT INTO collaborator_contacts ("collaboratorId") SELECT c FROM unnest(p_added) c WHERE c IS NOT NULL
      ON CONFLICT ("collaboratorId") DO UPDATE SET "collaboratorId" = EXCLUDED."collaboratorId";
    UPDATE collaborator_contacts SET "collaboratorId" = "collaboratorId" WHERE "collaboratorId" = ANY (p_removed);
    DELETE FROM collaborator_contacts WHERE "collaboratorId" = ANY (p_removed) AND NOT epic_has_records("collaboratorId");
  END $$;
  REVOKE ALL ON FUNCTION epic_contacts_changed(int[], int[]) FROM PUBLIC;

  ${KEEPING('clients', 'salesContactId')}
  ${KEEPING('events', 'supportContactId')}

  -- Emptying events (clients cannot be emptied without them) makes the table again.
  CREATE FUNCTION epic_contacts_emptied() RETURNS trigger LANGUAGE plpgsql ${DEFINER} AS $$
  BEGIN
    ${DERIVE_COLLABORATOR_CONTACTS}
    RETURN NULL;
  END $$;
  REVOKE ALL ON FUNCTION epic_contacts_emptied() FROM PUBLIC;
  CREATE TRIGGER events_emptied_collaborator_contacts AFTER TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION epic_contacts_emptied();

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
  DROP TRIGGER events_emptied_collaborator_contacts ON events;
  ${['clients', 'events']
    .map((table) => ['added', 'changed', 'removed'].map((change) => `DROP TRIGGER ${table}_collaborator_contacts_${change} ON ${table};`).join(' ') + ` DROP FUNCTION epic_keep_contacts_of_${table}();`)
    .join('\n  ')}
  DROP FUNCTION epic_contacts_emptied(), epic_contacts_changed(int[], int[]);
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
