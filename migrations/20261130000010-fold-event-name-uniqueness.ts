import type { QueryInterface } from 'sequelize';

/**
 * Event names are unique whatever their case and accents, on every server: lower() alone
 * depends on the cluster's locale (with the C locale lower('ÉTÉ') stays 'ÉtÉ'), while
 * epic_fold() removes accents first, so "ÉTÉ GALA", "été gala" and "Ete Gala" are one name
 * everywhere.
 */
export async function up(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.transaction((transaction) =>
    queryInterface.sequelize.query(
      `DROP INDEX events_name_unique;
       CREATE UNIQUE INDEX events_name_unique ON events (epic_fold(name));`,
      { transaction },
    ),
  );
}

export async function down(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.transaction((transaction) =>
    queryInterface.sequelize.query(
      `DROP INDEX events_name_unique;
       CREATE UNIQUE INDEX events_name_unique ON events (lower(name));`,
      { transaction },
    ),
  );
}
