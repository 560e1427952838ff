import type { QueryInterface } from 'sequelize';

/**
 * One row naming this installation: a random id drawn once, when the schema is created. Calendar
 * files exported from this database use it in every event's UID (`event-12@<id>`), so that a
 * calendar that imports a second export updates the events it already has instead of adding them
 * again, and two companies' event #12 never collide in the calendar of someone who works for
 * both. It is data, not configuration: a database copied elsewhere keeps it, and so do the
 * calendars fed from it.
 *
 * Everyone logged in may read it; nobody but the owner may change it.
 */

export async function up(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.transaction(async (transaction) => {
    const query = (sql: string) => queryInterface.sequelize.query(sql, { transaction });
    const [[row]] = (await query('SELECT epic_runtime_role() AS runtime, current_user::text AS owner')) as [{ runtime: string; owner: string }[], unknown];
    const runtime = queryInterface.quoteIdentifier(row.runtime);
    const owner = queryInterface.quoteIdentifier(row.owner);
    await query(`
      CREATE TABLE installation (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        "calendarId" uuid NOT NULL DEFAULT gen_random_uuid()
      );
      INSERT INTO installation DEFAULT VALUES;
      ALTER TABLE installation ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY;
      CREATE POLICY owner_all ON installation TO ${owner} USING (true) WITH CHECK (true);
      CREATE POLICY runtime_select ON installation FOR SELECT TO ${runtime} USING ((SELECT epic_actor_id()) IS NOT NULL);
      GRANT SELECT ON installation TO ${runtime};`);
  });
}

export async function down(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.query('DROP TABLE installation');
}
