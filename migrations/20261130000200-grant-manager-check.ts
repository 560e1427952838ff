import type { QueryInterface } from 'sequelize';

/**
 * `epic db export` runs as the owner, but is a manager's act: its transaction hands the
 * database the session and calls epic_require_manager(), which raises for any other role. The
 * runtime role may call that check too (it answers only whether its own session is a
 * manager's), so that the permission table's `database.export` is checked by the database in
 * whichever connection asks, as every other action is. Password hashes stay unreadable to it.
 */
async function runtimeRole(queryInterface: QueryInterface): Promise<string> {
  const [[row]] = (await queryInterface.sequelize.query('SELECT epic_runtime_role() AS name')) as [{ name: string }[], unknown];
  return queryInterface.quoteIdentifier(row.name);
}

export async function up(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.query(`GRANT EXECUTE ON FUNCTION epic_require_manager() TO ${await runtimeRole(queryInterface)}`);
}

export async function down(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.query(`REVOKE EXECUTE ON FUNCTION epic_require_manager() FROM ${await runtimeRole(queryInterface)}`);
}
