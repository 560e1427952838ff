import type { QueryInterface } from 'sequelize';
import type { SequelizeStatic } from '../lib/db/migration-types';

export async function up(queryInterface: QueryInterface, Sequelize: SequelizeStatic): Promise<void> {
  const { DataTypes } = Sequelize;
  await queryInterface.sequelize.transaction(async (transaction) => {
    await queryInterface.createTable(
      'contracts',
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        clientId: {
          type: DataTypes.INTEGER,
          allowNull: false,
          references: { model: 'clients', key: 'id' },
          onDelete: 'RESTRICT',
          onUpdate: 'CASCADE',
        },
        totalAmount: { type: DataTypes.DECIMAL(12, 2), allowNull: false },
        amountDue: { type: DataTypes.DECIMAL(12, 2), allowNull: false },
        signed: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        signedAt: { type: DataTypes.DATE, allowNull: true },
        createdAt: { type: DataTypes.DATE, allowNull: false },
        updatedAt: { type: DataTypes.DATE, allowNull: false },
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      },
      { transaction },
    );
    await queryInterface.sequelize.query(
      `ALTER TABLE contracts
         ADD CONSTRAINT contracts_total_amount_check CHECK ("totalAmount" > 0),
         ADD CONSTRAINT contracts_amount_due_check CHECK ("amountDue" >= 0 AND "amountDue" <= "totalAmount"),
         ADD CONSTRAINT contracts_signed_at_check CHECK (signed = ("signedAt" IS NOT NULL));
       CREATE INDEX contracts_client_idx ON contracts ("clientId");
       CREATE INDEX contracts_unsigned_idx ON contracts ("clientId") WHERE NOT signed;
       CREATE INDEX contracts_unpaid_idx ON contracts ("clientId") WHERE "amountDue" > 0;`,
      { transaction },
    );
    // Signing is one-way: a signed contract cannot be unsigned.
    await queryInterface.sequelize.query(
      `CREATE FUNCTION contracts_keep_signed() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF OLD.signed AND NOT NEW.signed THEN
           RAISE EXCEPTION 'a signed contract cannot be unsigned'
             USING ERRCODE = 'check_violation', CONSTRAINT = 'contracts_signing_one_way_check';
         END IF;
         RETURN NEW;
       END $$;
       CREATE TRIGGER contracts_signing_one_way BEFORE UPDATE OF signed ON contracts
         FOR EACH ROW EXECUTE FUNCTION contracts_keep_signed();`,
      { transaction },
    );
  });
}

export async function down(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.transaction(async (transaction) => {
    await queryInterface.dropTable('contracts', { transaction });
    await queryInterface.sequelize.query('DROP FUNCTION IF EXISTS contracts_keep_signed()', { transaction });
  });
}
