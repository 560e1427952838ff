import type { DataTypes } from 'sequelize';

/** What sequelize-cli passes as the second argument of up() and down(). */
export interface SequelizeStatic {
  DataTypes: typeof DataTypes;
}
