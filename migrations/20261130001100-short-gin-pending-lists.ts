import type { QueryInterface } from 'sequelize';

/**
 * The trigram indexes of searches and name look-ups keep at most 64 kB of new entries in their
 * pending list, instead of PostgreSQL's 4 MB. A GIN index adds new rows to that list, and every
 * search reads the whole list until a vacuum or the limit moves it into the index: after 20,000
 * new clients, `client show Kevin Casy` (a name that finds none, answered with the closest
 * ones) took 16.6 ms instead of 3.7 ms. The price is on writes: 20,000 clients inserted in one
 * statement took 5.6 s instead of 3.2 s (0.1 ms more a client).
 */
const INDEXES = ['clients_search_trgm_idx', 'clients_name_fold_trgm_idx', 'clients_phone_trgm_idx', 'events_name_fold_trgm_idx', 'collaborators_name_fold_trgm_idx'];

export async function up(queryInterface: QueryInterface): Promise<void> {
  for (const index of INDEXES) {
    await queryInterface.sequelize.query(`ALTER INDEX ${index} SET (gin_pending_list_limit = 64); SELECT gin_clean_pending_list('${index}'::regclass)`);
  }
}

export async function down(queryInterface: QueryInterface): Promise<void> {
  for (const index of INDEXES) await queryInterface.sequelize.query(`ALTER INDEX ${index} RESET (gin_pending_list_limit)`);
}
