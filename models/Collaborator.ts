import { Column, DataType, HasMany, Scopes, Table } from 'sequelize-typescript';
import { VersionedRecord } from './VersionedRecord';
import type { Role } from '../lib/roles';
import { Client } from './Client';
import { Event } from './Event';

/**
 * A collaborator as the application may see it: the password hash and the failure counter are
 * out of the runtime role's reach (column privileges), so the model does not name them.
 */
@Scopes(() => ({
  /** A collaborator as a client, contract or event names them: id and full name, nothing else. */
  named: { attributes: ['id', 'fullName'] },
}))
@Table({ tableName: 'collaborators', modelName: 'Collaborator', version: true })
export class Collaborator extends VersionedRecord {
  @Column({ type: DataType.STRING(120), allowNull: false })
  fullName!: string;

  @Column({ type: DataType.STRING(254), allowNull: false })
  email!: string;

  @Column({ type: DataType.STRING(20), allowNull: false })
  role!: Role;

  @Column({ type: DataType.BOOLEAN, allowNull: false, defaultValue: false })
  mustChangePassword!: boolean;

  /** Set by epic_login() after repeated failures; 'infinity' until a manager resets the password. */
  @Column({ type: DataType.DATE, allowNull: true })
  lockedUntil!: Date | null;

  @HasMany(() => Client, 'salesContactId')
  clients?: Client[];

  @HasMany(() => Event, 'supportContactId')
  supportedEvents?: Event[];
}
