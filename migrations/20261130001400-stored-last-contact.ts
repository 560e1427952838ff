// The history trigger's hidden columns and the derived columns' body, as the migrations before left them.
import { DERIVE_SALES_CONTACTS, hidingInHistory } from './20261130000500-list-plans-by-owner';
import { HIDDEN_AFTER as HIDDEN_BEFORE } from './20261130001300-stored-folded-client-name';

/**
 * Clients keep the time of their latest logged interaction, "lastContactAt", which the client
 * lists show and `--not-contacted-since` filters on.
 *
 * The lists read it as `(SELECT max(at) FROM client_contacts WHERE "clientId" = id)` for each
 * row: a subquery run once per client, about 4 µs each, which was 0.4 s of the 0.49 s the server
 * spent on an export of 100,000 clients. A trigger on the contact log now keeps the column: each
 * interaction logged, changed, moved or deleted (or the whole log emptied) sets its client's
 * latest again. The runtime role may read it, never write it (its grants name the columns it
 * may write); `epic db import`, which loads with triggers off, derives it again
 * (epic_derive_columns). The history does not record it: the contact log is its own history.
 */

const DEFINER = 'SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp';

const HIDDEN_AFTER = `'lockedUntil', 'clientSalesContactId', 'foldedName', 'lastContactAt']`;

/** Also what epic_derive_columns keeps running after migration 20261201000300. */
export const DERIVE_LAST_CONTACTS = `
    UPDATE clients c SET "lastContactAt" = l.at
      FROM (SELECT c2.id, max(cc."at") AS at FROM clients c2 LEFT JOIN client_contacts cc ON cc."clientId" = c2.id GROUP BY c2.id) l
     WHERE l.id = c.id AND c."lastContactAt" IS DISTINCT FROM l.at;`;

export const deriveColumns = (body: string) => `CREATE OR REPLACE FUNCTION epic_derive_columns() RETURNS void LANGUAGE sql ${DEFINER} AS $$ ${body} $$;`;

const UP = `
  ALTER TABLE clients ADD COLUMN "lastContactAt" timestamptz;

  -- The client is locked first and its log read after, in a statement of its own (in READ
  -- COMMITTED, which commands use, a function that is not STABLE takes a new snapshot for each):
  -- of two interactions logged at once for a client, the second waits for the first and sees it,
  -- where one statement would have read the log before waiting and written back the older time.
  -- (In REPEATABLE READ the second fails with a serialization error instead.) Written only when
  -- it changes.
  CREATE FUNCTION epic_set_last_contact(p_client int) RETURNS void LANGUAGE plpgsql ${DEFINER} AS $$
  BEGIN
    PERFORM 1 FROM clients WHERE id = p_client FOR NO KEY UPDATE;
    UPDATE clients SET "lastContactAt" = l.at
      FROM (SELECT max("at") AS at FROM client_contacts WHERE "clientId" = p_client) l
     WHERE id = p_client AND "lastContactAt" IS DISTINCT FROM l.at;
  END $$;

  CREATE FUNCTION epic_keep_last_contact() RETURNS trigger LANGUAGE plpgsql ${DEFINER} AS $$
  DECLARE
    client int;
  BEGIN
    IF TG_OP = 'TRUNCATE' THEN
      UPDATE clients SET "lastContactAt" = NULL WHERE "lastContactAt" IS NOT NULL;
      RETURN NULL;
    END IF;
    -- An interaction moved to another client changes two: within a row, locked in id order.
    FOR client IN SELECT DISTINCT c FROM unnest(ARRAY[OLD."clientId", NEW."clientId"]) c WHERE c IS NOT NULL ORDER BY c LOOP
      PERFORM epic_set_last_contact(client);
    END LOOP;
    RETURN NULL;
  END $$;

  REVOKE ALL ON FUNCTION epic_set_last_contact(int), epic_keep_last_contact() FROM PUBLIC;

  CREATE TRIGGER client_contacts_last_contact AFTER INSERT OR DELETE OR UPDATE OF "clientId", "at" ON client_contacts
    FOR EACH ROW EXECUTE FUNCTION epic_keep_last_contact();
  CREATE TRIGGER client_contacts_emptied AFTER TRUNCATE ON client_contacts
    FOR EACH STATEMENT EXECUTE FUNCTION epic_keep_last_contact();

  ${deriveColumns(DERIVE_SALES_CONTACTS + DERIVE_LAST_CONTACTS)}
  SELECT epic_derive_columns();`;

const DOWN = `
  ${deriveColumns(DERIVE_SALES_CONTACTS)}
  DROP TRIGGER client_contacts_emptied ON client_contacts;
  DROP TRIGGER client_contacts_last_contact ON client_contacts;
  DROP FUNCTION epic_keep_last_contact(), epic_set_last_contact(int);
  ALTER TABLE clients DROP COLUMN "lastContactAt";`;

export const { up, down } = hidingInHistory(UP, DOWN, HIDDEN_BEFORE, HIDDEN_AFTER);
