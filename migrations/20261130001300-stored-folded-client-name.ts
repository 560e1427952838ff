// The history trigger's list of columns it never records, as that migration left it.
import { HIDDEN_AFTER as HIDDEN_BEFORE, hidingInHistory } from './20261130000500-list-plans-by-owner';

/**
 * Clients keep their folded name, "foldedName" (epic_fold of "fullName", generated and stored
 * with the row), and the client lists' order is read from it: `ORDER BY "foldedName", id`, served
 * by the index on those two columns.
 *
 * epic_fold is an IMMUTABLE SQL function around unaccent, which is only STABLE, so PostgreSQL
 * never inlines it: each call runs as a function call, about 4 µs. The lists were ordered by
 * `epic_fold("fullName")`, and a scan of the index on that expression still computed it for
 * every row it returned, as the sort key it carries: exporting 100,000 clients spent 0.45 s of the
 * server's 0.76 s folding names, and a search sorted its 1,100 matches by folding each. A stored
 * column is read, not computed. The history does not record it: it is the name, folded.
 */

export const HIDDEN_AFTER = `'lockedUntil', 'clientSalesContactId', 'foldedName']`;

const UP = `
  ALTER TABLE clients ADD COLUMN "foldedName" text GENERATED ALWAYS AS (epic_fold("fullName")) STORED;
  CREATE INDEX clients_folded_name_order_idx ON clients ("foldedName", id);
  DROP INDEX clients_name_fold_order_idx;`;

const DOWN = `
  CREATE INDEX clients_name_fold_order_idx ON clients (epic_fold("fullName"), id);
  ALTER TABLE clients DROP COLUMN "foldedName";`;

export const { up, down } = hidingInHistory(UP, DOWN, HIDDEN_BEFORE, HIDDEN_AFTER);
