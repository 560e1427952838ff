import type { QueryInterface } from 'sequelize';

/**
 * Tab completion asks for names starting with a prefix, in folded order. A b-tree on the
 * folded name in the C collation serves both the prefix (`LIKE 'abc%'` becomes a range) and
 * the order, so a completion reads only the rows it shows, at any number of clients.
 */
export async function up(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.transaction((transaction) =>
    queryInterface.sequelize.query(
      `CREATE INDEX clients_name_fold_prefix_idx ON clients ((epic_fold("fullName") COLLATE "C"));
       CREATE INDEX collaborators_name_fold_prefix_idx ON collaborators ((epic_fold("fullName") COLLATE "C"));
       CREATE INDEX collaborators_email_prefix_idx ON collaborators ((lower(email) COLLATE "C"));
       CREATE INDEX events_name_fold_prefix_idx ON events ((epic_fold(name) COLLATE "C"));`,
      { transaction },
    ),
  );
}

export async function down(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.query(
    `DROP INDEX clients_name_fold_prefix_idx, collaborators_name_fold_prefix_idx, collaborators_email_prefix_idx, events_name_fold_prefix_idx`,
  );
}
