import type { QueryInterface } from 'sequelize';
import type { SequelizeStatic } from '../lib/db/migration-types';

export async function up(queryInterface: QueryInterface, Sequelize: SequelizeStatic): Promise<void> {
  const { DataTypes } = Sequelize;
  await queryInterface.sequelize.transaction(async (transaction) => {
    await queryInterface.createTable(
      'clients',
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        fullName: { type: DataTypes.STRING(120), allowNull: false },
        email: { type: DataTypes.STRING(254), allowNull: false },
        phone: { type: DataTypes.STRING(20), allowNull: false },
        companyName: { type: DataTypes.STRING(120), allowNull: true },
        salesContactId: {
          type: DataTypes.INTEGER,
          allowNull: false,
          references: { model: 'collaborators', key: 'id' },
          onDelete: 'RESTRICT',
          onUpdate: 'CASCADE',
        },
        createdAt: { type: DataTypes.DATE, allowNull: false },
        updatedAt: { type: DataTypes.DATE, allowNull: false },
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      },
      { transaction },
    );
    await queryInterface.sequelize.query(
      `ALTER TABLE clients
         ADD CONSTRAINT clients_full_name_check CHECK (length(btrim("fullName")) > 0),
         ADD CONSTRAINT clients_email_check CHECK (position('@' in email) > 1),
         ADD CONSTRAINT clients_phone_check CHECK (phone ~ '^\\+[1-9][0-9]{6,14}$'),
         ADD COLUMN "searchText" text GENERATED ALWAYS AS (
           epic_fold("fullName" || ' ' || email || ' ' || coalesce("companyName", '') || ' ' || phone)
         ) STORED;
       CREATE UNIQUE INDEX clients_email_unique ON clients (lower(email));
       CREATE INDEX clients_sales_contact_idx ON clients ("salesContactId");
       CREATE INDEX clients_name_fold_idx ON clients (epic_fold("fullName") text_pattern_ops);
       CREATE INDEX clients_search_trgm_idx ON clients USING gin ("searchText" gin_trgm_ops);`,
      { transaction },
    );
    // The sales contact must be a sales collaborator: a rule across tables, so a trigger.
    await queryInterface.sequelize.query(
      `CREATE FUNCTION clients_check_sales_contact() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NOT EXISTS (SELECT 1 FROM collaborators WHERE id = NEW."salesContactId" AND role = 'sales') THEN
           RAISE EXCEPTION 'the sales contact of a client must be a sales collaborator'
             USING ERRCODE = 'check_violation', CONSTRAINT = 'clients_sales_contact_role_check';
         END IF;
         RETURN NEW;
       END $$;
       CREATE TRIGGER clients_sales_contact_role BEFORE INSERT OR UPDATE OF "salesContactId" ON clients
         FOR EACH ROW EXECUTE FUNCTION clients_check_sales_contact();`,
      { transaction },
    );
  });
}

export async function down(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.transaction(async (transaction) => {
    await queryInterface.dropTable('clients', { transaction });
    await queryInterface.sequelize.query('DROP FUNCTION IF EXISTS clients_check_sales_contact()', { transaction });
  });
}
