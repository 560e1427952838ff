import { BelongsTo, Column, DataType, ForeignKey, HasOne, Table } from 'sequelize-typescript';
import { VersionedRecord } from './VersionedRecord';
import { Client } from './Client';
import { Event } from './Event';

@Table({ tableName: 'contracts', modelName: 'Contract', version: true })
export class Contract extends VersionedRecord {
  @ForeignKey(() => Client)
  @Column({ type: DataType.INTEGER, allowNull: false })
  clientId!: number;

  @BelongsTo(() => Client, 'clientId')
  client?: Client;

  /** Euros as a decimal string ("1500.00"): never a float. */
  @Column({ type: DataType.DECIMAL(12, 2), allowNull: false })
  totalAmount!: string;

  @Column({ type: DataType.DECIMAL(12, 2), allowNull: false })
  amountDue!: string;

  @Column({ type: DataType.BOOLEAN, allowNull: false, defaultValue: false })
  signed!: boolean;

  @Column({ type: DataType.DATE, allowNull: true })
  signedAt!: Date | null;

  @HasOne(() => Event, 'contractId')
  event?: Event;
}
