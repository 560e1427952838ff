import { Column, DataType, HasMany, Table } from 'sequelize-typescript';
import { VersionedRecord } from './VersionedRecord';
import type { Role } from '../lib/roles';
import { Client } from './Client';
import { Event } from './Event';

@Table({ tableName: 'collaborators', modelName: 'Collaborator', version: true })
export class Collaborator extends VersionedRecord {
  @Column({ type: DataType.STRING(120), allowNull: false })
  fullName!: string;

  @Column({ type: DataType.STRING(254), allowNull: false })
  email!: string;

  @Column({ type: DataType.STRING(20), allowNull: false })
  role!: Role;

  @Column({ type: DataType.STRING(100), allowNull: false })
  passwordHash!: string;

  @Column({ type: DataType.BOOLEAN, allowNull: false, defaultValue: false })
  mustChangePassword!: boolean;

  @Column({ type: DataType.INTEGER, allowNull: false, defaultValue: 0 })
  failedLoginCount!: number;

  @Column({ type: DataType.DATE, allowNull: true })
  lockedUntil!: Date | null;

  @HasMany(() => Client, 'salesContactId')
  clients?: Client[];

  @HasMany(() => Event, 'supportContactId')
  supportedEvents?: Event[];
}
