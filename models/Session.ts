import { BelongsTo, Column, DataType, ForeignKey, Model, Table } from 'sequelize-typescript';
import { Collaborator } from './Collaborator';

/** A one-shot login: only the SHA-256 of its token is kept. */
@Table({ tableName: 'sessions', modelName: 'Session', updatedAt: false })
export class Session extends Model {
  declare id: number;
  declare createdAt: Date;

  @Column({ type: DataType.STRING(64), allowNull: false, unique: true })
  tokenHash!: string;

  @ForeignKey(() => Collaborator)
  @Column({ type: DataType.INTEGER, allowNull: false })
  collaboratorId!: number;

  @BelongsTo(() => Collaborator, 'collaboratorId')
  collaborator?: Collaborator;

  @Column({ type: DataType.DATE, allowNull: false })
  lastUsedAt!: Date;

  @Column({ type: DataType.DATE, allowNull: false })
  expiresAt!: Date;
}
