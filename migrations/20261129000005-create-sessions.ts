import type { QueryInterface } from 'sequelize';
import type { SequelizeStatic } from '../lib/db/migration-types';

export async function up(queryInterface: QueryInterface, Sequelize: SequelizeStatic): Promise<void> {
  const { DataTypes } = Sequelize;
  await queryInterface.sequelize.transaction(async (transaction) => {
    await queryInterface.createTable(
      'sessions',
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        tokenHash: { type: DataTypes.STRING(64), allowNull: false, unique: true },
        collaboratorId: {
          type: DataTypes.INTEGER,
          allowNull: false,
          references: { model: 'collaborators', key: 'id' },
          // Deleting a collaborator revokes their sessions.
          onDelete: 'CASCADE',
          onUpdate: 'CASCADE',
        },
        createdAt: { type: DataTypes.DATE, allowNull: false },
        lastUsedAt: { type: DataTypes.DATE, allowNull: false },
        expiresAt: { type: DataTypes.DATE, allowNull: false },
      },
      { transaction },
    );
    await queryInterface.sequelize.query(
      `ALTER TABLE sessions ADD CONSTRAINT sessions_expiry_check CHECK ("expiresAt" > "createdAt");
       CREATE INDEX sessions_collaborator_idx ON sessions ("collaboratorId");`,
      { transaction },
    );
  });
}

export async function down(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.dropTable('sessions');
}
