import { BelongsTo, Column, DataType, ForeignKey, Table } from 'sequelize-typescript';
import { VersionedRecord } from './VersionedRecord';
import { Collaborator } from './Collaborator';
import { Contract } from './Contract';

@Table({ tableName: 'events', modelName: 'Event', version: true })
export class Event extends VersionedRecord {
  @Column({ type: DataType.STRING(120), allowNull: false })
  name!: string;

  @ForeignKey(() => Contract)
  @Column({ type: DataType.INTEGER, allowNull: false })
  contractId!: number;

  @BelongsTo(() => Contract, 'contractId')
  contract?: Contract;

  @ForeignKey(() => Collaborator)
  @Column({ type: DataType.INTEGER, allowNull: true })
  supportContactId!: number | null;

  @BelongsTo(() => Collaborator, 'supportContactId')
  supportContact?: Collaborator | null;

  @Column({ type: DataType.DATE, allowNull: false })
  startsAt!: Date;

  @Column({ type: DataType.DATE, allowNull: false })
  endsAt!: Date;

  @Column({ type: DataType.STRING(200), allowNull: false })
  location!: string;

  @Column({ type: DataType.INTEGER, allowNull: false })
  attendees!: number;

  @Column({ type: DataType.TEXT, allowNull: true })
  notes!: string | null;
}
