import type { QueryInterface, Transaction } from 'sequelize';

/**
 * Lists that read only the rows they show, at 100,000 clients and contracts and 20,000 events.
 *
 * A salesperson's contracts and events belong to them through their client: `event list --mine`
 * walked every event by date, probing its contract and client for the owner, and counted by
 * joining the three tables (55–145 ms). Contracts and events now carry their client's sales
 * contact, "clientSalesContactId", kept by triggers: set from the client (or contract) when the
 * row is written, and passed on when a client changes salesperson (a contract's to its event).
 * The runtime role may read the column, never write it (its grants name the columns it may
 * write), so the owner shown is always the client's. The history does not record it: the
 * client's history already says who its salesperson is.
 * Indexes by (owner, order of the list) then serve `--mine` lists and their counts; support
 * staff's events likewise by (supportContactId, startsAt).
 *
 * `event list --upcoming` (not over yet: endsAt >= now) is ordered by start; walking the start
 * index from the beginning read every past event first. The events not over yet all start at or
 * after the earliest start of those running now: epic_upcoming_since finds it through a GiST
 * index of the events' periods, and the list walks the start index from there. It is a
 * SECURITY DEFINER function for the same reason as the searches of migration 20261130000300
 * (a range's @> is not LEAKPROOF), and answers its argument itself without a session.
 */

const DEFINER = 'SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp';
const HIDDEN_BEFORE = `'lockedUntil']`;
export const HIDDEN_AFTER = `'lockedUntil', 'clientSalesContactId']`;

/** The body of epic_derive_columns as this migration wrote it: each row's owner from the row it derives from. */
export const DERIVE_SALES_CONTACTS = `
    UPDATE contracts k SET "clientSalesContactId" = c."salesContactId" FROM clients c
      WHERE c.id = k."clientId" AND k."clientSalesContactId" IS DISTINCT FROM c."salesContactId";
    UPDATE events e SET "clientSalesContactId" = k."clientSalesContactId" FROM contracts k
      WHERE k.id = e."contractId" AND e."clientSalesContactId" IS DISTINCT FROM k."clientSalesContactId";`;

const UP = `
  ALTER TABLE contracts ADD COLUMN "clientSalesContactId" int;
  ALTER TABLE events ADD COLUMN "clientSalesContactId" int;

  CREATE FUNCTION epic_contract_sales_contact() RETURNS trigger LANGUAGE plpgsql ${DEFINER} AS $$
  BEGIN
    NEW."clientSalesContactId" := (SELECT "salesContactId" FROM clients WHERE id = NEW."clientId");
    RETURN NEW;
  END $$;

  CREATE FUNCTION epic_event_sales_contact() RETURNS trigger LANGUAGE plpgsql ${DEFINER} AS $$
  BEGIN
    NEW."clientSalesContactId" := (SELECT "clientSalesContactId" FROM contracts WHERE id = NEW."contractId");
    RETURN NEW;
  END $$;

  -- A client's new salesperson goes to its contracts; each contract's goes to its event.
  CREATE FUNCTION epic_pass_on_sales_contact() RETURNS trigger LANGUAGE plpgsql ${DEFINER} AS $$
  BEGIN
    IF TG_TABLE_NAME = 'clients' THEN
      UPDATE contracts SET "clientSalesContactId" = NEW."salesContactId" WHERE "clientId" = NEW.id;
    ELSE
      UPDATE events SET "clientSalesContactId" = NEW."clientSalesContactId" WHERE "contractId" = NEW.id;
    END IF;
    RETURN NULL;
  END $$;

  REVOKE ALL ON FUNCTION epic_contract_sales_contact(), epic_event_sales_contact(), epic_pass_on_sales_contact() FROM PUBLIC;

  CREATE TRIGGER contracts_sales_contact BEFORE INSERT OR UPDATE OF "clientId", "clientSalesContactId" ON contracts
    FOR EACH ROW EXECUTE FUNCTION epic_contract_sales_contact();
  CREATE TRIGGER events_sales_contact BEFORE INSERT OR UPDATE OF "contractId", "clientSalesContactId" ON events
    FOR EACH ROW EXECUTE FUNCTION epic_event_sales_contact();
  CREATE TRIGGER clients_pass_on_sales_contact AFTER UPDATE OF "salesContactId" ON clients
    FOR EACH ROW WHEN (OLD."salesContactId" IS DISTINCT FROM NEW."salesContactId") EXECUTE FUNCTION epic_pass_on_sales_contact();
  CREATE TRIGGER contracts_pass_on_sales_contact AFTER UPDATE OF "clientSalesContactId" ON contracts
    FOR EACH ROW WHEN (OLD."clientSalesContactId" IS DISTINCT FROM NEW."clientSalesContactId") EXECUTE FUNCTION epic_pass_on_sales_contact();

  -- The columns these triggers keep, computed from the rows they derive from: once here, and
  -- after \`epic db import\` has loaded a file with triggers off (a file made before this
  -- migration has no such column). The owner's only.
  CREATE FUNCTION epic_derive_columns() RETURNS void LANGUAGE sql ${DEFINER} AS $$ ${DERIVE_SALES_CONTACTS} $$;
  REVOKE ALL ON FUNCTION epic_derive_columns() FROM PUBLIC;
  SELECT epic_derive_columns();

  CREATE INDEX contracts_sales_contact_idx ON contracts ("clientSalesContactId", id);
  CREATE INDEX contracts_unsigned_sales_contact_idx ON contracts ("clientSalesContactId", id) WHERE NOT signed;
  CREATE INDEX events_sales_contact_starts_idx ON events ("clientSalesContactId", "startsAt", id);
  DROP INDEX events_support_contact_idx;
  CREATE INDEX events_support_contact_starts_idx ON events ("supportContactId", "startsAt", id);
  CREATE INDEX events_period_idx ON events USING gist (tstzrange("startsAt", "endsAt", '[]'));

  -- The earliest start of the events not over at p_at: p_at itself unless some are running then.
  CREATE FUNCTION epic_upcoming_since(p_at timestamptz) RETURNS timestamptz
    LANGUAGE plpgsql STABLE ${DEFINER} AS $$
  BEGIN
    IF (SELECT epic_actor_id()) IS NULL THEN
      RETURN p_at;
    END IF;
    -- min(lower(period)), not min("startsAt"): the latter the planner would read from the start
    -- index, walking every past event until a running one, instead of asking the period index.
    RETURN least(p_at, (SELECT min(lower(tstzrange("startsAt", "endsAt", '[]'))) FROM events WHERE tstzrange("startsAt", "endsAt", '[]') @> p_at));
  END $$;
  REVOKE ALL ON FUNCTION epic_upcoming_since(timestamptz) FROM PUBLIC;`;

const DOWN = `
  DROP FUNCTION epic_upcoming_since(timestamptz), epic_derive_columns();
  DROP INDEX events_period_idx, events_support_contact_starts_idx, events_sales_contact_starts_idx,
             contracts_unsigned_sales_contact_idx, contracts_sales_contact_idx;
  CREATE INDEX events_support_contact_idx ON events ("supportContactId");
  DROP TRIGGER contracts_pass_on_sales_contact ON contracts;
  DROP TRIGGER clients_pass_on_sales_contact ON clients;
  DROP TRIGGER events_sales_contact ON events;
  DROP TRIGGER contracts_sales_contact ON contracts;
  DROP FUNCTION epic_pass_on_sales_contact(), epic_event_sales_contact(), epic_contract_sales_contact();
  ALTER TABLE events DROP COLUMN "clientSalesContactId";
  ALTER TABLE contracts DROP COLUMN "clientSalesContactId";`;

/** The history trigger's list of columns it never records, with the new one in it or not. */
export async function hideInHistory(queryInterface: QueryInterface, transaction: Transaction, from: string, to: string): Promise<void> {
  const [[{ definition }]] = (await queryInterface.sequelize.query(`SELECT pg_get_functiondef('epic_record_history()'::regprocedure) AS definition`, { transaction })) as [{ definition: string }[], unknown];
  if (!definition.includes(from)) throw new Error('epic_record_history() is not the function this migration knows');
  await queryInterface.sequelize.query(definition.replace(from, to), { transaction });
}

/**
 * A migration of `up` and `down` SQL that also hides columns from the history (or shows them
 * again when undone): the history trigger's list goes from `before` to `after`.
 */
export function hidingInHistory(upSql: string, downSql: string, before: string, after: string) {
  return {
    async up(queryInterface: QueryInterface): Promise<void> {
      await queryInterface.sequelize.transaction(async (transaction) => {
        await hideInHistory(queryInterface, transaction, before, after);
        await queryInterface.sequelize.query(upSql, { transaction });
      });
    },
    async down(queryInterface: QueryInterface): Promise<void> {
      await queryInterface.sequelize.transaction(async (transaction) => {
        await queryInterface.sequelize.query(downSql, { transaction });
        await hideInHistory(queryInterface, transaction, after, before);
      });
    },
  };
}

export async function up(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.transaction(async (transaction) => {
    await hideInHistory(queryInterface, transaction, HIDDEN_BEFORE, HIDDEN_AFTER);
    await queryInterface.sequelize.query(UP, { transaction });
    const [[{ runtime }]] = (await queryInterface.sequelize.query('SELECT "runtimeRole"::text AS runtime FROM security_policy', { transaction })) as [
      { runtime: string }[],
      unknown,
    ];
    await queryInterface.sequelize.query(`GRANT EXECUTE ON FUNCTION epic_upcoming_since(timestamptz) TO ${queryInterface.quoteIdentifier(runtime)}`, { transaction });
  });
}

export async function down(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.transaction(async (transaction) => {
    await queryInterface.sequelize.query(DOWN, { transaction });
    await hideInHistory(queryInterface, transaction, HIDDEN_AFTER, HIDDEN_BEFORE);
  });
}
