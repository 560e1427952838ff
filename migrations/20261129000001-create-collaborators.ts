import type { QueryInterface } from 'sequelize';
import type { SequelizeStatic } from '../lib/db/migration-types';

export async function up(queryInterface: QueryInterface, Sequelize: SequelizeStatic): Promise<void> {
  const { DataTypes } = Sequelize;
  await queryInterface.sequelize.transaction(async (transaction) => {
    // pg_trgm serves substring search, unaccent the accent-insensitive match of names and searches.
    await queryInterface.sequelize.query('CREATE EXTENSION IF NOT EXISTS pg_trgm', { transaction });
    await queryInterface.sequelize.query('CREATE EXTENSION IF NOT EXISTS unaccent', { transaction });
    // unaccent() is only STABLE; an IMMUTABLE wrapper with a fixed dictionary may be indexed.
    await queryInterface.sequelize.query(
      `CREATE OR REPLACE FUNCTION epic_fold(text) RETURNS text
         LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
         AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$`,
      { transaction },
    );
    await queryInterface.createTable(
      'collaborators',
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        fullName: { type: DataTypes.STRING(120), allowNull: false },
        email: { type: DataTypes.STRING(254), allowNull: false },
        role: { type: DataTypes.STRING(20), allowNull: false },
        passwordHash: { type: DataTypes.STRING(100), allowNull: false },
        mustChangePassword: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        failedLoginCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        lockedUntil: { type: DataTypes.DATE, allowNull: true },
        createdAt: { type: DataTypes.DATE, allowNull: false },
        updatedAt: { type: DataTypes.DATE, allowNull: false },
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      },
      { transaction },
    );
    await queryInterface.sequelize.query(
      `ALTER TABLE collaborators
         ADD CONSTRAINT collaborators_role_check CHECK (role IN ('management', 'sales', 'support')),
         ADD CONSTRAINT collaborators_full_name_check CHECK (length(btrim("fullName")) > 0),
         ADD CONSTRAINT collaborators_email_check CHECK (position('@' in email) > 1),
         ADD CONSTRAINT collaborators_failed_login_count_check CHECK ("failedLoginCount" >= 0);
       CREATE UNIQUE INDEX collaborators_email_unique ON collaborators (lower(email));
       CREATE INDEX collaborators_role_idx ON collaborators (role);
       CREATE INDEX collaborators_name_fold_idx ON collaborators (epic_fold("fullName") text_pattern_ops);`,
      { transaction },
    );
  });
}

export async function down(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.transaction(async (transaction) => {
    await queryInterface.dropTable('collaborators', { transaction });
    await queryInterface.sequelize.query('DROP FUNCTION IF EXISTS epic_fold(text)', { transaction });
  });
}
