import type { QueryInterface, Transaction } from 'sequelize';

/**
 * Record history and the contact log (README, "History and contact log").
 *
 * history is append-only: one row per insert, update and delete of a client, contract, event,
 * collaborator or logged interaction, written by a SECURITY DEFINER trigger function owned by
 * the owner. The acting collaborator is epic_actor_id(), the verified session of the
 * transaction: nobody can write history in someone else's name, and changes made by the owner
 * account (an administrator, a migration) have no actor. The runtime role may only read it,
 * through a policy that mirrors who may read the record. Rows carry no foreign key: deleting a
 * record, or the collaborator who acted, keeps its history, with the names as they were.
 *
 * Modelled on supabase/supa_audit (generic AFTER trigger, jsonb of the row), but storing only
 * what changed, never secrets, and resolving names when the change is made.
 */

const A = '(SELECT epic_actor_id())';
const R = '(SELECT epic_actor_role())';

const TABLES = `
  CREATE TABLE history (
    id bigserial PRIMARY KEY,
    "at" timestamptz NOT NULL DEFAULT now(),
    "actorId" int,
    "actorName" text,
    "recordTable" text NOT NULL
      CHECK ("recordTable" IN ('clients', 'contracts', 'events', 'collaborators', 'client_contacts')),
    "recordId" int NOT NULL,
    "recordName" text,
    action text NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    changes jsonb NOT NULL CHECK (jsonb_typeof(changes) = 'object')
  );
  CREATE INDEX history_record_idx ON history ("recordTable", "recordId", "at", id);
  CREATE INDEX history_actor_idx ON history ("actorId", "at", id);

  CREATE TABLE client_contacts (
    id serial PRIMARY KEY,
    "clientId" int NOT NULL REFERENCES clients (id) ON DELETE CASCADE ON UPDATE CASCADE,
    "collaboratorId" int REFERENCES collaborators (id) ON DELETE SET NULL ON UPDATE CASCADE,
    "byName" text,
    "at" timestamptz NOT NULL,
    channel text CHECK (channel IN ('phone', 'email', 'meeting')),
    note text NOT NULL CHECK (length(btrim(note)) > 0 AND length(note) <= 2000),
    "createdAt" timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX client_contacts_client_at_idx ON client_contacts ("clientId", "at" DESC, id DESC);
  CREATE INDEX client_contacts_collaborator_idx ON client_contacts ("collaboratorId");`;

/*
 * Never recorded: the row's id and bookkeeping (the history row has its own time), the
 * generated search text, and secrets (password hash, lock-out counter and lock). A changed
 * password hash is recorded as {"password": {"changed": true}}, without values, except when
 * epic_login re-hashes the same password at a higher cost (found on the call stack, which the
 * runtime role cannot forge). People and clients referred to are named as they are now, so
 * that the history still reads right after a rename or a deletion.
 */
const TRIGGER_FUNCTION = `
  CREATE FUNCTION epic_record_history() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  DECLARE
    hidden constant text[] := ARRAY['id', 'createdAt', 'updatedAt', 'version', 'searchText',
                                    'byName', 'passwordHash', 'failedLoginCount', 'lockedUntil'];
    new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
    old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    record_row jsonb := coalesce(new_row, old_row);
    changes jsonb;
    actor int;
    actor_name text;
    field text;
    stack text;
  BEGIN
    IF TG_OP = 'UPDATE' THEN
      SELECT jsonb_object_agg(n.key, jsonb_build_object('old', o.value, 'new', n.value)) INTO changes
        FROM jsonb_each(new_row - hidden) n JOIN jsonb_each(old_row - hidden) o USING (key)
       WHERE n.value IS DISTINCT FROM o.value;
      IF new_row -> 'passwordHash' IS DISTINCT FROM old_row -> 'passwordHash' THEN
        GET DIAGNOSTICS stack = PG_CONTEXT;
        IF stack !~ 'function epic_login\\(' THEN
          changes := coalesce(changes, '{}') || '{"password": {"changed": true}}';
        END IF;
      END IF;
      IF changes IS NULL THEN
        RETURN NULL;
      END IF;
    ELSIF TG_OP = 'INSERT' THEN
      SELECT coalesce(jsonb_object_agg(key, jsonb_build_object('new', value)), '{}') INTO changes
        FROM jsonb_each(new_row - hidden) WHERE value <> 'null';
    ELSE
      SELECT coalesce(jsonb_object_agg(key, jsonb_build_object('old', value)), '{}') INTO changes
        FROM jsonb_each(old_row - hidden) WHERE value <> 'null';
    END IF;
    SELECT id, "fullName" INTO actor, actor_name FROM collaborators WHERE id = epic_actor_id();
    FOR field IN SELECT key FROM jsonb_object_keys(changes) key
                  WHERE key IN ('salesContactId', 'supportContactId', 'collaboratorId', 'clientId') LOOP
      changes := jsonb_set(changes, ARRAY[field], (changes -> field) || jsonb_strip_nulls(jsonb_build_object(
        'oldName', epic_history_name(field, (changes -> field ->> 'old')::int),
        'newName', epic_history_name(field, (changes -> field ->> 'new')::int))));
    END LOOP;
    INSERT INTO history ("actorId", "actorName", "recordTable", "recordId", "recordName", action, changes)
    VALUES (actor, actor_name, TG_TABLE_NAME,
            (record_row ->> 'id')::int, coalesce(record_row ->> 'fullName', record_row ->> 'name'),
            lower(TG_OP), changes);
    RETURN NULL;
  END $$;

  CREATE FUNCTION epic_history_name(p_field text, p_id int) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    SELECT CASE WHEN p_field = 'clientId' THEN (SELECT "fullName" FROM clients WHERE id = p_id)
                ELSE (SELECT "fullName" FROM collaborators WHERE id = p_id) END $$;

  -- Who logged an interaction is named by the database, from the collaborator the policy checked.
  CREATE FUNCTION client_contacts_name_collaborator() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
  BEGIN
    NEW."byName" := (SELECT "fullName" FROM collaborators WHERE id = NEW."collaboratorId");
    RETURN NEW;
  END $$;

  REVOKE ALL ON FUNCTION epic_record_history(), epic_history_name(text, int), client_contacts_name_collaborator() FROM PUBLIC;`;

const AUDITED = ['clients', 'contracts', 'events', 'collaborators', 'client_contacts'];

function policies(runtime: string, owner: string): string {
  return `
  ALTER TABLE history ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
  ALTER TABLE client_contacts ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
  CREATE POLICY owner_all ON history TO ${owner} USING (true) WITH CHECK (true);
  CREATE POLICY owner_all ON client_contacts TO ${owner} USING (true) WITH CHECK (true);

  -- Whoever may read the record may read its history; a collaborator's, management only.
  CREATE POLICY runtime_select ON history FOR SELECT TO ${runtime}
    USING (${A} IS NOT NULL AND ("recordTable" <> 'collaborators' OR ${R} = 'management'));

  -- Everyone logged in reads the log; an interaction is logged by its sales contact or a
  -- manager, always in their own name.
  CREATE POLICY runtime_select ON client_contacts FOR SELECT TO ${runtime} USING (${A} IS NOT NULL);
  CREATE POLICY runtime_insert ON client_contacts FOR INSERT TO ${runtime} WITH CHECK (
    "collaboratorId" = ${A} AND (${R} = 'management' OR (${R} = 'sales' AND EXISTS (
      SELECT 1 FROM clients c WHERE c.id = "clientId" AND c."salesContactId" = ${A}))));

  GRANT SELECT ON history TO ${runtime};
  GRANT SELECT ON client_contacts TO ${runtime};
  GRANT INSERT (id, "clientId", "collaboratorId", "at", channel, note, "createdAt") ON client_contacts TO ${runtime};
  GRANT USAGE ON SEQUENCE client_contacts_id_seq TO ${runtime};`;
}

async function accounts(queryInterface: QueryInterface, transaction: Transaction): Promise<{ runtime: string; owner: string }> {
  const [[row]] = (await queryInterface.sequelize.query('SELECT epic_runtime_role() AS runtime, current_user::text AS owner', { transaction })) as [
    { runtime: string; owner: string }[],
    unknown,
  ];
  return { runtime: queryInterface.quoteIdentifier(row.runtime), owner: queryInterface.quoteIdentifier(row.owner) };
}

export async function up(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.transaction(async (transaction) => {
    const query = (sql: string) => queryInterface.sequelize.query(sql, { transaction });
    const { runtime, owner } = await accounts(queryInterface, transaction);
    await query(TABLES);
    await query(TRIGGER_FUNCTION);
    for (const table of AUDITED) {
      await query(`CREATE TRIGGER ${table}_history AFTER INSERT OR UPDATE OR DELETE ON ${table}
                     FOR EACH ROW EXECUTE FUNCTION epic_record_history()`);
    }
    await query(`CREATE TRIGGER client_contacts_name BEFORE INSERT ON client_contacts
                   FOR EACH ROW EXECUTE FUNCTION client_contacts_name_collaborator()`);
    await query(policies(runtime, owner));
  });
}

export async function down(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.transaction(async (transaction) => {
    const query = (sql: string) => queryInterface.sequelize.query(sql, { transaction });
    for (const table of AUDITED.filter((t) => t !== 'client_contacts')) await query(`DROP TRIGGER ${table}_history ON ${table}`);
    await query('DROP TABLE client_contacts, history');
    await query('DROP FUNCTION epic_record_history(), epic_history_name(text, int), client_contacts_name_collaborator()');
  });
}
