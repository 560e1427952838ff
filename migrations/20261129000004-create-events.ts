import type { QueryInterface } from 'sequelize';
import type { SequelizeStatic } from '../lib/db/migration-types';

export async function up(queryInterface: QueryInterface, Sequelize: SequelizeStatic): Promise<void> {
  const { DataTypes } = Sequelize;
  await queryInterface.sequelize.transaction(async (transaction) => {
    await queryInterface.createTable(
      'events',
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        name: { type: DataTypes.STRING(120), allowNull: false },
        contractId: {
          type: DataTypes.INTEGER,
          allowNull: false,
          references: { model: 'contracts', key: 'id' },
          onDelete: 'RESTRICT',
          onUpdate: 'CASCADE',
        },
        supportContactId: {
          type: DataTypes.INTEGER,
          allowNull: true,
          references: { model: 'collaborators', key: 'id' },
          onDelete: 'SET NULL',
          onUpdate: 'CASCADE',
        },
        startsAt: { type: DataTypes.DATE, allowNull: false },
        endsAt: { type: DataTypes.DATE, allowNull: false },
        location: { type: DataTypes.STRING(200), allowNull: false },
        attendees: { type: DataTypes.INTEGER, allowNull: false },
        notes: { type: DataTypes.TEXT, allowNull: true },
        createdAt: { type: DataTypes.DATE, allowNull: false },
        updatedAt: { type: DataTypes.DATE, allowNull: false },
        version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      },
      { transaction },
    );
    await queryInterface.sequelize.query(
      `ALTER TABLE events
         ADD CONSTRAINT events_name_check CHECK (length(btrim(name)) > 0),
         ADD CONSTRAINT events_dates_check CHECK ("endsAt" > "startsAt"),
         ADD CONSTRAINT events_attendees_check CHECK (attendees >= 0),
         ADD CONSTRAINT events_location_check CHECK (length(btrim(location)) > 0),
         ADD CONSTRAINT events_notes_check CHECK (length(notes) <= 5000);
       CREATE UNIQUE INDEX events_name_unique ON events (lower(name));
       CREATE UNIQUE INDEX events_contract_unique ON events ("contractId");
       CREATE INDEX events_support_contact_idx ON events ("supportContactId");
       CREATE INDEX events_unassigned_idx ON events ("startsAt") WHERE "supportContactId" IS NULL;
       CREATE INDEX events_starts_at_idx ON events ("startsAt");
       CREATE INDEX events_name_fold_idx ON events (epic_fold(name) text_pattern_ops);`,
      { transaction },
    );
    // An event needs a signed contract, and its support contact must be a support collaborator.
    await queryInterface.sequelize.query(
      `CREATE FUNCTION events_check_links() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NOT EXISTS (SELECT 1 FROM contracts WHERE id = NEW."contractId" AND signed) THEN
           RAISE EXCEPTION 'an event needs a signed contract'
             USING ERRCODE = 'check_violation', CONSTRAINT = 'events_contract_signed_check';
         END IF;
         IF NEW."supportContactId" IS NOT NULL AND NOT EXISTS (
              SELECT 1 FROM collaborators WHERE id = NEW."supportContactId" AND role = 'support') THEN
           RAISE EXCEPTION 'the support contact of an event must be a support collaborator'
             USING ERRCODE = 'check_violation', CONSTRAINT = 'events_support_contact_role_check';
         END IF;
         RETURN NEW;
       END $$;
       CREATE TRIGGER events_links BEFORE INSERT OR UPDATE OF "contractId", "supportContactId" ON events
         FOR EACH ROW EXECUTE FUNCTION events_check_links();`,
      { transaction },
    );
  });
}

export async function down(queryInterface: QueryInterface): Promise<void> {
  await queryInterface.sequelize.transaction(async (transaction) => {
    await queryInterface.dropTable('events', { transaction });
    await queryInterface.sequelize.query('DROP FUNCTION IF EXISTS events_check_links()', { transaction });
  });
}
