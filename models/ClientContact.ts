import { BelongsTo, Column, DataType, ForeignKey, Model, Table } from 'sequelize-typescript';
import { Client } from './Client';
import { Collaborator } from './Collaborator';

/**
 * One interaction with a client (a call, an email, a meeting): the contact log. Logged in the
 * name of the collaborator who had it; "byName" is filled in by the database from that
 * collaborator, so the log still says who after they leave.
 */
@Table({ tableName: 'client_contacts', modelName: 'ClientContact', updatedAt: false })
export class ClientContact extends Model {
  declare id: number;
  declare createdAt: Date;

  @ForeignKey(() => Client)
  @Column({ type: DataType.INTEGER, allowNull: false })
  clientId!: number;

  @BelongsTo(() => Client, 'clientId')
  client?: Client;

  @ForeignKey(() => Collaborator)
  @Column({ type: DataType.INTEGER, allowNull: true })
  collaboratorId!: number | null;

  @Column({ type: DataType.TEXT, allowNull: true })
  byName!: string | null;

  @Column({ type: DataType.DATE, allowNull: false })
  at!: Date;

  @Column({ type: DataType.TEXT, allowNull: true })
  channel!: 'phone' | 'email' | 'meeting' | null;

  @Column({ type: DataType.TEXT, allowNull: false })
  note!: string;
}
