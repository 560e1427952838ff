import { Model } from 'sequelize-typescript';

/**
 * What every record table has: an id, its timestamps, and the version column of
 * optimistic locking (enabled per table with `version: true`). Declared only: Sequelize adds them.
 */
export abstract class VersionedRecord extends Model {
  declare id: number;
  declare createdAt: Date;
  declare updatedAt: Date;
  declare version: number;
}
