import { selectRows, type ServiceContext, type Tx } from '../db/context';
import { quoteIdentifier } from '../db/sql-text';
import type { Counts, ExportPart, ExportSink } from '../db/move-file';
import { Conflict, ValidationError } from '../errors';
import { assertAllowed } from '../permissions';

/**
 * Moving every record from one database to another (README, "Moving to a shared server",
 * "Backups"). Both directions run as the database's owner: only it may read password hashes,
 * which the runtime role cannot read even for a manager, and only it may load a database that
 * has no collaborator yet to log in. An export is still a manager's act, checked by the
 * application and, in the export's own transaction, by the database.
 */

/** In the order they are loaded: each table after those it refers to. */
export const MOVED_TABLES = ['collaborators', 'clients', 'contracts', 'events', 'client_contacts', 'history'] as const;
/**
 * One-row tables whose row names the database itself (`installation`: the calendar id in event
 * UIDs, so that calendars fed before a move keep updating after it). Migrating the target wrote
 * a row of its own: the file's replaces it.
 */
export const MOVED_SETTINGS = ['installation'] as const;

export const BATCH_ROWS = 2000;

/** Management only: the permission table, then the database's own check of the session. */
export async function assertMayExport(ctx: ServiceContext): Promise<void> {
  assertAllowed(ctx.actor, 'database.export');
  await selectRows(ctx, 'SELECT epic_require_manager()');
}

/** The last migration applied: what an export is stamped with, what an import compares it to. */
async function appliedMigrations(tx: Tx): Promise<string[]> {
  const rows = await selectRows<{ name: string }>(tx, 'SELECT name FROM "SequelizeMeta" ORDER BY name');
  return rows.map((row) => row.name);
}

async function presentTables(tx: Tx, names: readonly string[] = MOVED_TABLES): Promise<string[]> {
  const rows = await selectRows<{ name: string }>(tx, `SELECT name FROM unnest($1::text[]) WITH ORDINALITY AS t(name, n) WHERE to_regclass('public.' || quote_ident(name)) IS NOT NULL ORDER BY n`, [
    names,
  ]);
  return rows.map((row) => row.name);
}

/** Stored columns only: a generated column (the clients' search text and folded name) is computed again on load. */
async function storedColumns(tx: Tx, table: string): Promise<string[]> {
  const rows = await selectRows<{ name: string }>(
    tx,
    `SELECT column_name::text AS name FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position`,
    [table],
  );
  return rows.map((row) => row.name);
}

/**
 * Writes every record to the sink, from the snapshot of ctx's transaction (REPEATABLE READ:
 * every table as of one moment), in keyset batches: memory stays the same whatever the size.
 */
export async function exportRecords(ctx: ServiceContext, sink: ExportSink, exportedAt: Date): Promise<void> {
  await assertMayExport(ctx);
  // row_to_json writes times in the session's zone: UTC, whatever the server's default.
  await selectRows(ctx, `SELECT set_config('TimeZone', 'UTC', true)`);
  const migrations = await appliedMigrations(ctx);
  await sink.header({ schema: migrations[migrations.length - 1], exportedAt: exportedAt.toISOString() });
  for (const table of await presentTables(ctx)) {
    const columns = await storedColumns(ctx, table);
    await sink.table(table, columns);
    const sql = `SELECT t.id::text AS id, row_to_json(t)::text AS line
                   FROM (SELECT ${columns.map(quoteIdentifier).join(', ')} FROM ${quoteIdentifier(table)}
                          WHERE $1::bigint IS NULL OR id > $1::bigint ORDER BY id LIMIT ${BATCH_ROWS}) t`;
    let last: string | null = null;
    for (;;) {
      const rows: { id: string; line: string }[] = await selectRows(ctx, sql, [last]);
      if (rows.length === 0) break;
      await sink.rows(rows.map((row) => row.line));
      last = rows[rows.length - 1].id;
    }
  }
  for (const table of await presentTables(ctx, MOVED_SETTINGS)) {
    const columns = await storedColumns(ctx, table);
    await sink.table(table, columns);
    const rows = await selectRows<{ line: string }>(ctx, `SELECT row_to_json(t)::text AS line FROM (SELECT ${columns.map(quoteIdentifier).join(', ')} FROM ${quoteIdentifier(table)}) t`);
    await sink.rows(rows.map((row) => row.line));
  }
}

/**
 * Refuses a file this database cannot take: a schema newer than the database's, or one this
 * database never had; and a database behind this version of epic (migrate it first).
 */
function checkSchema(fileSchema: string, applied: string[], known: string[]): void {
  const missing = known.filter((name) => !applied.includes(name));
  if (missing.length > 0) throw new Conflict('the database schema is behind this version of epic: run `epic db migrate` first, then import');
  const current = applied[applied.length - 1];
  if (fileSchema > current) {
    throw new Conflict(`the file comes from a newer version of epic (schema ${fileSchema}; this database is at ${current}): upgrade epic, run \`epic db migrate\`, then import`);
  }
  if (!applied.includes(fileSchema)) throw new Conflict(`the file's schema ${fileSchema} is not one this database went through: it cannot be imported here`);
}

async function assertEmpty(tx: Tx, tables: string[]): Promise<void> {
  const counts = await selectRows<{ name: string; rows: string }>(
    tx,
    tables.map((table) => `SELECT '${table}' AS name, (SELECT count(*) FROM (SELECT 1 FROM ${quoteIdentifier(table)} LIMIT 1) x)::text AS rows`).join(' UNION ALL '),
  );
  const used = counts.filter((row) => row.rows !== '0').map((row) => row.name);
  if (used.length > 0) {
    throw new Conflict(`the database is not empty (it has ${used.join(', ')}): an import goes only into a new database, migrated and never used`);
  }
}

/**
 * Drops the GIN indexes of the tables (the searches': every piece of a client's text, the
 * trigrams of names) and returns the statements that make them again as they were, statistics
 * settings included. Each row loaded into a GIN index costs far more than building the index
 * once over every row: 100,000 clients took 59 s to import instead of 17 once a client's search
 * text was indexed piece by piece. The import's transaction makes them again before it commits.
 */
async function setAsideSearchIndexes(tx: Tx, tables: string[]): Promise<string[]> {
  const indexes = await selectRows<{ name: string; definition: string; statistics: string[] }>(
    tx,
    `SELECT c.relname AS name, pg_get_indexdef(c.oid) AS definition,
            ARRAY(SELECT format('ALTER INDEX %I ALTER COLUMN %s SET STATISTICS %s', c.relname, a.attnum, a.attstattarget) FROM pg_attribute a
                   WHERE a.attrelid = c.oid AND coalesce(a.attstattarget, -1) >= 0) AS statistics
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am m ON m.oid = c.relam
      WHERE m.amname = 'gin' AND i.indrelid = ANY (SELECT to_regclass('public.' || quote_ident(t)) FROM unnest($1::text[]) t)
      ORDER BY c.relname`,
    [tables],
  );
  for (const index of indexes) await selectRows(tx, `DROP INDEX ${quoteIdentifier(index.name)}`);
  return indexes.flatMap((index) => [index.definition, ...index.statistics]);
}

/**
 * Loads an export into the empty database of tx (its owner's transaction), keeping every id,
 * then moves each id sequence past the largest id. Triggers are off while loading: the
 * history arrives as it was written (loading must not record itself), and the rows are those
 * the source database already checked. The search indexes are made after the rows are in
 * (setAsideSearchIndexes). `parts` throws before its last rows unless the file is
 * whole and unaltered, and the caller's transaction then writes nothing.
 */
export async function importRecords(tx: Tx, parts: AsyncIterable<ExportPart>, knownMigrations: string[]): Promise<Counts> {
  const tables = await presentTables(tx);
  const settings = await presentTables(tx, MOVED_SETTINGS);
  const counts: Counts = {};
  let insert = '';
  let searchIndexes: string[] = [];
  for await (const part of parts) {
    if (part.kind === 'header') {
      checkSchema(part.header.schema, await appliedMigrations(tx), knownMigrations);
      // ALTER TABLE takes a lock that keeps anyone from writing until the import commits.
      for (const table of tables) await selectRows(tx, `ALTER TABLE ${quoteIdentifier(table)} DISABLE TRIGGER USER`);
      await assertEmpty(tx, tables);
      searchIndexes = await setAsideSearchIndexes(tx, tables);
    } else if (part.kind === 'table') {
      if (!tables.includes(part.name) && !settings.includes(part.name)) throw new ValidationError(undefined, `the file has a table ${part.name} that this database does not have`);
      const stored = await storedColumns(tx, part.name);
      const unknown = part.columns.filter((column) => !stored.includes(column));
      if (unknown.length > 0) throw new ValidationError(undefined, `the file's ${part.name} have columns this database does not have: ${unknown.join(', ')}`);
      const columns = part.columns.map(quoteIdentifier).join(', ');
      insert = settings.includes(part.name)
        ? `UPDATE ${quoteIdentifier(part.name)} SET (${columns}) = (SELECT ${columns} FROM json_populate_recordset(NULL::${quoteIdentifier(part.name)}, $1::json))`
        : `INSERT INTO ${quoteIdentifier(part.name)} (${columns}) SELECT ${columns} FROM json_populate_recordset(NULL::${quoteIdentifier(part.name)}, $1::json)`;
      counts[part.name] = 0;
    } else {
      await selectRows(tx, insert, [`[${part.lines.join(',')}]`]);
      counts[part.name] += part.lines.length;
    }
  }
  for (const statement of searchIndexes) await selectRows(tx, statement);
  // Columns the triggers would have kept (a contract's salesperson, a client's last contact), which an older file lacks.
  await selectRows(tx, 'SELECT epic_derive_columns()');
  for (const table of tables) {
    await selectRows(tx, `ALTER TABLE ${quoteIdentifier(table)} ENABLE TRIGGER USER`);
    await selectRows(tx, `SELECT setval(pg_get_serial_sequence($1, 'id'), coalesce((SELECT max(id) FROM ${quoteIdentifier(table)}), 0) + 1, false)`, [table]);
  }
  return counts;
}
