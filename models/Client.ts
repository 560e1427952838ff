import { BelongsTo, Column, DataType, ForeignKey, HasMany, Scopes, Table } from 'sequelize-typescript';
import { VersionedRecord } from './VersionedRecord';
import { Collaborator } from './Collaborator';
import { Contract } from './Contract';

/** A client's salesperson, named: how every list and show of clients, contracts and events reads it. */
export const salesContactNamed = () => [{ model: Collaborator.scope('named'), as: 'salesContact' }];

@Scopes(() => ({
  withSalesContact: { include: salesContactNamed() },
}))
@Table({ tableName: 'clients', modelName: 'Client', version: true })
export class Client extends VersionedRecord {
  @Column({ type: DataType.STRING(120), allowNull: false })
  fullName!: string;

  @Column({ type: DataType.STRING(254), allowNull: false })
  email!: string;

  /** E.164, normalised by the service. */
  @Column({ type: DataType.STRING(20), allowNull: false })
  phone!: string;

  @Column({ type: DataType.STRING(120), allowNull: true })
  companyName!: string | null;

  @ForeignKey(() => Collaborator)
  @Column({ type: DataType.INTEGER, allowNull: false })
  salesContactId!: number;

  @BelongsTo(() => Collaborator, 'salesContactId')
  salesContact?: Collaborator;

  @HasMany(() => Contract, 'clientId')
  contracts?: Contract[];
}
