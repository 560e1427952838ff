import type { QueryInterface, Transaction } from 'sequelize';

/**
 * EXECUTE on these functions (their signatures) for the runtime role that the security policy
 * names, and for nobody else: PostgreSQL gives every new function to PUBLIC.
 */
export async function grantToRuntime(queryInterface: QueryInterface, signatures: string[], transaction: Transaction): Promise<void> {
  const [[{ runtime }]] = (await queryInterface.sequelize.query('SELECT "runtimeRole"::text AS runtime FROM security_policy', { transaction })) as [{ runtime: string }[], unknown];
  const role = queryInterface.quoteIdentifier(runtime);
  for (const signature of signatures) {
    await queryInterface.sequelize.query(`REVOKE ALL ON FUNCTION ${signature} FROM PUBLIC; GRANT EXECUTE ON FUNCTION ${signature} TO ${role}`, { transaction });
  }
}
