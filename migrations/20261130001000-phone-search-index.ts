import type { QueryInterface } from 'sequelize';

/**
 * `client list --search 06 12 00` also looks for the digits in the phone numbers
 * (`phone LIKE '%3361200%'` in epic_client_ids_matching, migration 20261130000300), which no
 * index served: every search that looks like a phone number read all the clients (13–21 ms at
 * 100,000). A trigram index on the phone serves that LIKE (1 ms).
 */
export async function up(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.query('CREATE INDEX clients_phone_trgm_idx ON clients USING gin (phone gin_trgm_ops)');
}

export async function down(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.query('DROP INDEX clients_phone_trgm_idx');
}
