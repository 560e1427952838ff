import { cast, col, fn } from 'sequelize';

/**
 * epic_fold() (lower-case, no accents; see the first migration) on a column and on a user's
 * text. The text goes through CAST because Sequelize doubles every `$` of a string given to
 * fn() directly (sequelize#14601), so "$$" would never match.
 */
export const foldColumn = (column: string) => fn('epic_fold', col(column));
export const foldText = (text: string) => fn('epic_fold', cast(text, 'text'));
