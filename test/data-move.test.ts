import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import anyTest, { type TestFn } from 'ava';
import { Transaction } from 'sequelize';
import { systemClock } from '../lib/clock';
import { createOwnerSequelize } from '../lib/db/connection';
import { inTransaction } from '../lib/db/context';
import { embeddedAdminUrl, ensureEmbeddedDatabase } from '../lib/db/embedded';
import { migrationNames } from '../lib/db/migrate';
import { readExportFile, type ExportSink } from '../lib/db/move-file';
import { PermissionDenied, ValidationError } from '../lib/errors';
import { exportRecords, importRecords, MOVED_SETTINGS, MOVED_TABLES } from '../lib/services/data-move';
import { beginSession, inSession } from '../lib/services/sessions';
import { removeEmbeddedDatabase } from './helpers/cluster';
import { dropDatabase, serverUrl, withAdmin, withDatabase } from './helpers/database';
import { epicUser } from './helpers/epic';
import { epicUserInProcess, runInProcess } from './helpers/epic-in-process';
import { tempDir } from './helpers/temp';

/**
 * `epic db export` and `epic db import` through the real binary: a company on the embedded
 * database (the demo data, and more) moves to a PostgreSQL server, and its backup restores
 * into a new embedded database. The server is DATABASE_URL's when the suite runs against one,
 * otherwise the embedded test cluster, a server of its own apart from the source's. The
 * migrations of the targets and the refusals run as `epic` runs a command, in this process
 * (helpers/epic-in-process.ts).
 */

/** The server the import goes to: DATABASE_URL's, or the embedded test cluster (another server than the source's). */
let SERVER: string;
const MANAGER = { email: 'gabrielle.laurent@epic-events.fr', password: 'violet-harbour-lantern-42' };
const SALES = { email: 'hugo.bernard@epic-events.fr', password: 'copper-meadow-falcon-17' };

type User = ReturnType<typeof epicUser>;
interface Target {
  name: string;
  ownerUrl: string;
  runtimeUrl: string;
}
interface Context {
  dir: string;
  source: User;
  sourceData: string;
  file: string;
  target: Target;
  spare: Target;
  targets: Target[];
  dataDirs: string[];
}
const test = anyTest as TestFn<Context>;

/** A user of the embedded default: no DATABASE_URL. */
function embeddedUser(dataDir?: string, make: typeof epicUser = epicUser): User {
  const user = make('', dataDir ? { EPIC_DATA_DIR: dataDir } : {});
  delete user.env.DATABASE_URL;
  return user;
}

/** A new database on the server, migrated by `epic db migrate` as its own owner, as the README says. */
async function serverTarget(t: { context: Context }): Promise<Target> {
  const name = `epic_move_${crypto.randomBytes(5).toString('hex')}`;
  const owner = new URL(withDatabase(SERVER, name));
  owner.username = `${name}_owner`;
  owner.password = crypto.randomBytes(12).toString('hex');
  await withAdmin(SERVER, async (admin) => {
    await admin.query(`CREATE ROLE ${name}_owner LOGIN CREATEROLE PASSWORD '${owner.password}'`);
    await admin.query(`CREATE DATABASE ${name} OWNER ${name}_owner`);
  });
  const target = { name, ownerUrl: owner.toString(), runtimeUrl: '' };
  t.context.targets.push(target);
  const migrated = await embeddedUser(undefined, epicUserInProcess).run(['db', 'migrate', '--admin-url', target.ownerUrl]);
  if (migrated.code !== 0) throw new Error(migrated.stderr);
  target.runtimeUrl = migrated.stdout.trim();
  return target;
}

/** Every table's rows as PostgreSQL writes them, generated columns included, in id order: the installation's too (its calendar id moves). */
async function everyRow(ownerUrl: string, names: readonly string[] = [...MOVED_TABLES, ...MOVED_SETTINGS]): Promise<Record<string, string[]>> {
  return withAdmin(ownerUrl, async (client) => {
    await client.query(`SET TimeZone = 'UTC'`);
    const tables: Record<string, string[]> = {};
    for (const table of names) {
      tables[table] = (await client.query(`SELECT row_to_json(t)::text AS row FROM ${table} t ORDER BY id`)).rows.map((r) => r.row);
    }
    return tables;
  });
}

/** Records only: a migrated database has its installation row from the start. */
const rowCount = async (ownerUrl: string) =>
  Object.values(await everyRow(ownerUrl, MOVED_TABLES)).reduce((sum, rows) => sum + rows.length, 0);

/** The file with its header and body changed as `edit` says, with a checksum that matches again. */
function rewritten(file: string, edit: (lines: string[]) => void): string {
  const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  const trailer = JSON.parse(lines.pop()!);
  edit(lines);
  const body = lines.map((line) => `${line}\n`).join('');
  trailer[2] = crypto.createHash('sha256').update(body).digest('hex');
  const copy = `${file}.${crypto.randomBytes(3).toString('hex')}.jsonl`;
  fs.writeFileSync(copy, `${body}${JSON.stringify(trailer)}\n`, { mode: 0o600 });
  return copy;
}

const login = (user: User, who: { email: string; password: string }) => user.run(['login', who.email, '--password-stdin'], `${who.password}\n`);

test.before(async (t) => {
  SERVER = await serverUrl();
  t.context.targets = [];
  t.context.dir = tempDir('epic-move-');
  t.context.source = embeddedUser();
  t.context.sourceData = t.context.source.env.EPIC_DATA_DIR;
  t.context.dataDirs = [t.context.sourceData];
  // The two servers' databases are made while the source company is.
  [, t.context.target, t.context.spare] = await Promise.all([exportedCompany(t), serverTarget(t), serverTarget(t)]);
});

/** The source company on its embedded database, logged in as its manager, and its export. */
async function exportedCompany(t: { context: Context }): Promise<void> {
  const demo = await t.context.source.run(['db', 'demo']);
  if (demo.code !== 0) throw new Error(demo.stderr);
  // Beyond the demo: an interaction, text that JSON and lines must carry, a deleted client
  // whose history stays, a failed login count, and two accounts that chose their password.
  await withAdmin(embeddedAdminUrl(t.context.sourceData, 'owner')!, async (owner) => {
    await owner.query(`INSERT INTO client_contacts ("clientId", "collaboratorId", "at", channel, note)
                       VALUES (1, 2, '2026-05-28 12:30+02', 'meeting', E'Lunch at the venue;\\nmenu "B", 12 × €40 — ok 🎉')`);
    await owner.query(`UPDATE events SET notes = E'Line one\\nLine two\\ttab \\u2028 sep' WHERE id = 1`);
    await owner.query(`DELETE FROM events WHERE id = (SELECT max(id) FROM events)`);
    await owner.query(`UPDATE collaborators SET "mustChangePassword" = false WHERE email IN ($1, $2)`, [MANAGER.email, SALES.email]);
    await owner.query(`UPDATE collaborators SET "failedLoginCount" = 3 WHERE role = 'support'`);
  });
  const loggedIn = await login(t.context.source, MANAGER);
  if (loggedIn.code !== 0) throw new Error(loggedIn.stderr);
  t.context.file = path.join(t.context.dir, 'company.jsonl');
  const exported = await t.context.source.run(['db', 'export', t.context.file]);
  if (exported.code !== 0) throw new Error(exported.stderr);
}

test.after.always(async (t) => {
  for (const dataDir of t.context.dataDirs ?? []) await removeEmbeddedDatabase(dataDir);
  await withAdmin(SERVER, async (admin) => {
    for (const { name } of t.context.targets ?? []) {
      await dropDatabase(admin, name);
      await admin.query(`DROP ROLE IF EXISTS ${name}_app`);
      await admin.query(`DROP ROLE IF EXISTS ${name}_owner`);
    }
  });
});

test.serial('the export is a file of its user alone, stamped with the schema version, counting every table', async (t) => {
  const { file } = t.context;
  t.is(fs.statSync(file).mode & 0o777, 0o600);
  const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  const [magic, version, header] = JSON.parse(lines[0]);
  t.deepEqual([magic, version], ['epic-events-export', 1]);
  t.is(header.schema, migrationNames().at(-1));
  const [kind, counts, checksum] = JSON.parse(lines.at(-1)!);
  t.is(kind, 'trailer');
  t.deepEqual(Object.keys(counts), [...MOVED_TABLES, ...MOVED_SETTINGS]);
  t.deepEqual(Object.values(counts), Object.values(await everyRow(embeddedAdminUrl(t.context.sourceData, 'owner')!)).map((rows) => rows.length));
  t.is(counts.client_contacts, 1);
  t.regex(checksum, /^[0-9a-f]{64}$/);
  t.true(lines.some((line) => line.includes('"passwordHash":"$2')), 'password hashes travel');

  const again = await runInProcess(t.context.source)(['db', 'export', file]);
  t.is(again.code, 1);
  t.regex(again.stderr, /already exists \(an export never overwrites a file\)/);
});

test.serial('imported into a server, every record, relation and id is the same', async (t) => {
  const { target, file } = t.context;
  const staff = epicUser(target.runtimeUrl);
  const imported = await staff.run(['db', 'import', file, '--admin-url', target.ownerUrl]);
  t.is(imported.code, 0, imported.stderr);
  t.regex(imported.stderr, /^imported 5 collaborators, 20 clients, 25 contracts, 9 events, 1 client contacts, \d+ history, 1 installation from /);
  t.deepEqual(await everyRow(target.ownerUrl), await everyRow(embeddedAdminUrl(t.context.sourceData, 'owner')!));
  // The search indexes, set aside while loading, are made again as migrating made them (the spare: migrated, never loaded).
  t.deepEqual(await indexes(target.ownerUrl), await indexes(t.context.spare.ownerUrl));
  const sales = epicUser(target.runtimeUrl);
  t.is((await login(sales, SALES)).code, 0);
  const found = await sales.run(['client', 'list', '--search', 'kevin', '--format', 'csv']);
  t.regex(found.stdout, /Kevin Casey/, found.stderr);
});

/** Every index of the schema: its definition (options included) and the statistics target of each of its columns. */
async function indexes(ownerUrl: string): Promise<unknown[]> {
  return withAdmin(ownerUrl, async (c) =>
    (
      await c.query(`SELECT c.relname AS name, pg_get_indexdef(c.oid) AS definition,
                            ARRAY(SELECT coalesce(a.attstattarget, -1)::int FROM pg_attribute a WHERE a.attrelid = c.oid ORDER BY a.attnum) AS statistics
                       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                      WHERE n.nspname = 'public' ORDER BY 1`)
    ).rows,
  );
}

test.serial('on the server, staff log in with their passwords and new records take the next ids', async (t) => {
  const { target } = t.context;
  const before = await everyRow(target.ownerUrl);
  const manager = epicUser(target.runtimeUrl);
  t.is((await login(manager, MANAGER)).code, 0);
  const sales = epicUser(target.runtimeUrl);
  const wrong = await login(sales, { ...SALES, password: 'not the password at all' });
  t.is(wrong.code, 4);
  t.is((await login(sales, SALES)).code, 0);

  const created = await sales.run(['client', 'create', '--name', 'Nora New', '--email', 'nora@new.test', '--phone', '0612345678']);
  t.is(created.code, 0, created.stderr);
  const shown = await sales.run(['client', 'show', 'Nora New', '--format', 'json']);
  const maxId = Math.max(...before.clients.map((row) => JSON.parse(row).id));
  t.is(JSON.parse(shown.stdout).id, maxId + 1);
  // The history of imported records reads as before, the new one after it.
  const history = await manager.run(['client', 'history', '#1', '--format', 'json']);
  t.is(history.code, 0, history.stderr);
  t.true(JSON.parse(history.stdout).length > 0);
  const lastHistory = Math.max(...before.history.map((row) => JSON.parse(row).id));
  const [{ id }] = await withAdmin(target.ownerUrl, async (c) => (await c.query(`SELECT max(id)::int AS id FROM history`)).rows);
  t.true(id > lastHistory);
});

test.serial('a database that is not empty is refused, and left as it was', async (t) => {
  const { target, file } = t.context;
  const before = await everyRow(target.ownerUrl);
  const again = await epicUserInProcess(target.runtimeUrl).run(['db', 'import', file, '--admin-url', target.ownerUrl]);
  t.is(again.code, 1);
  t.regex(again.stderr, /^error: the database is not empty \(it has collaborators, clients, contracts, events, client_contacts, history\)/);
  t.deepEqual(await everyRow(target.ownerUrl), before);
});

test.serial('an import needs the owner account: staff cannot load a database', async (t) => {
  const { spare, file } = t.context;
  const staff = epicUserInProcess(spare.runtimeUrl);
  const withoutOwner = await staff.run(['db', 'import', file]);
  t.is(withoutOwner.code, 2);
  t.regex(withoutOwner.stderr, /this needs the owner account of the database: set EPIC_ADMIN_DATABASE_URL or give --admin-url URL/);
  const asRuntime = await staff.run(['db', 'import', file, '--admin-url', spare.runtimeUrl]);
  t.is(asRuntime.code, 4);
  t.regex(asRuntime.stderr, /^error: permission denied: the database refused it \(must be owner of table collaborators\)/);
  t.is(await rowCount(spare.ownerUrl), 0);
});

test.serial('a file of a newer schema is refused', async (t) => {
  const { spare, file } = t.context;
  const newer = rewritten(file, (lines) => {
    const header = JSON.parse(lines[0]);
    header[2].schema = '99991231000000-from-the-future.ts';
    lines[0] = JSON.stringify(header);
  });
  const refused = await epicUserInProcess(spare.runtimeUrl).run(['db', 'import', newer, '--admin-url', spare.ownerUrl]);
  t.is(refused.code, 1);
  t.regex(refused.stderr, /^error: the file comes from a newer version of epic \(schema 99991231000000-from-the-future\.ts; this database is at \d{14}-.+\): upgrade epic/);
  t.is(await rowCount(spare.ownerUrl), 0);
});

/** The collaborators who are someone's contact, from the records (what collaborator_contacts must hold). */
const CONTACTS = `SELECT "salesContactId" FROM clients WHERE "salesContactId" IS NOT NULL UNION SELECT "supportContactId" FROM events WHERE "supportContactId" IS NOT NULL`;

test.serial("a file from before the derived columns (contracts' and events' salesperson, clients' last contact) gets them computed on import, and the collaborators who are contacts", async (t) => {
  const derived: Record<string, string> = { contracts: 'clientSalesContactId', events: 'clientSalesContactId', clients: 'lastContactAt' };
  const older = rewritten(t.context.file, (lines) => {
    let dropping: string | undefined;
    for (const [i, line] of lines.entries()) {
      const value = JSON.parse(line);
      if (Array.isArray(value) && value[0] === 'table') {
        dropping = derived[value[1]];
        if (dropping) lines[i] = JSON.stringify(['table', value[1], value[2].filter((column: string) => column !== dropping)]);
      } else if (dropping && !Array.isArray(value)) {
        delete value[dropping];
        lines[i] = JSON.stringify(value);
      }
    }
  });
  const text = fs.readFileSync(older, 'utf8');
  t.false(text.includes('clientSalesContactId') || text.includes('lastContactAt'));
  const target = await serverTarget(t);
  const imported = await epicUserInProcess(target.runtimeUrl).run(['db', 'import', older, '--admin-url', target.ownerUrl]);
  t.is(imported.code, 0, imported.stderr);
  const wrong = await withAdmin(target.ownerUrl, async (c) =>
    (await c.query(`SELECT k.id FROM contracts k JOIN clients c ON c.id = k."clientId" WHERE k."clientSalesContactId" IS DISTINCT FROM c."salesContactId"
                    UNION ALL SELECT e.id FROM events e JOIN contracts k ON k.id = e."contractId" WHERE e."clientSalesContactId" IS DISTINCT FROM k."clientSalesContactId"
                    UNION ALL SELECT c.id FROM clients c WHERE c."lastContactAt" IS DISTINCT FROM (SELECT max(cc."at") FROM client_contacts cc WHERE cc."clientId" = c.id)
                    UNION ALL (SELECT "collaboratorId" FROM collaborator_contacts EXCEPT SELECT id FROM (${CONTACTS}) s(id))
                    UNION ALL (SELECT id FROM (${CONTACTS}) s(id) EXCEPT SELECT "collaboratorId" FROM collaborator_contacts)`)).rows);
  t.deepEqual(wrong, []);
  const [counts] = await withAdmin(target.ownerUrl, async (c) =>
    (await c.query(`SELECT (SELECT count(*)::int FROM contracts WHERE "clientSalesContactId" IS NOT NULL) AS owned,
                           (SELECT count(*)::int FROM clients WHERE "lastContactAt" IS NOT NULL) AS contacted,
                           (SELECT count(*)::int FROM collaborator_contacts) AS contacts`)).rows);
  t.true(counts.owned > 0);
  t.true(counts.contacts > 0);
  t.is(counts.contacted, 1);
});

test.serial('a truncated or altered file is refused and nothing is written', async (t) => {
  const { spare, file } = t.context;
  const content = fs.readFileSync(file);
  const cut = path.join(t.context.dir, 'cut.jsonl');
  fs.writeFileSync(cut, content.subarray(0, Math.floor(content.length * 0.8)));
  const cutAtLine = path.join(t.context.dir, 'cut-at-line.jsonl');
  fs.writeFileSync(cutAtLine, content.subarray(0, content.lastIndexOf('\n', content.length - 2) + 1));
  const altered = path.join(t.context.dir, 'altered.jsonl');
  fs.writeFileSync(altered, content.toString('utf8').replace('"Kevin Casey"', '"Kevin Cosey"'));
  t.not(fs.readFileSync(altered, 'utf8'), content.toString('utf8'));

  const staff = epicUserInProcess(spare.runtimeUrl);
  for (const [damaged, why] of [
    [cut, /it ends before its trailer \(was it cut short\?\)/],
    [cutAtLine, /it ends before its trailer \(was it cut short\?\)/],
    [altered, /its checksum does not match its content \(it was altered or damaged\)/],
  ] as const) {
    const refused = await staff.run(['db', 'import', damaged, '--admin-url', spare.ownerUrl]);
    t.is(refused.code, 1, damaged);
    t.regex(refused.stderr, /^error: .* is not a complete export of epic: /);
    t.regex(refused.stderr, why);
    t.regex(refused.stderr, /nothing was imported\n$/);
  }
  const missing = await staff.run(['db', 'import', path.join(t.context.dir, 'missing.jsonl'), '--admin-url', spare.ownerUrl]);
  t.is(missing.code, 1);
  t.regex(missing.stderr, /^error: cannot read .*missing\.jsonl: no such file or folder\n$/);
  t.is(await rowCount(spare.ownerUrl), 0);

  // The check made while loading holds too (a file changed after the first reading): the
  // transaction has written rows by then, and rolls them back.
  const owner = createOwnerSequelize(spare.ownerUrl);
  try {
    const error = await t.throwsAsync(inTransaction(owner, systemClock, (tx) => importRecords(tx, readExportFile(altered, process.cwd(), 10), migrationNames())));
    t.true(error instanceof ValidationError);
    t.regex(error!.message, /checksum does not match/);
  } finally {
    await owner.close();
  }
  t.is(await rowCount(spare.ownerUrl), 0);
});

test.serial('only a manager may export: the application refuses others', async (t) => {
  const sales = embeddedUser(t.context.sourceData, epicUserInProcess);
  const file = path.join(t.context.dir, 'by-sales.jsonl');
  const anonymous = await sales.run(['db', 'export', file]);
  t.is(anonymous.code, 4);
  t.regex(anonymous.stderr, /not logged in: log in as a manager with `epic login` first/);
  t.is((await login(sales, SALES)).code, 0);
  const refused = await sales.run(['db', 'export', file]);
  t.is(refused.code, 4);
  t.is(refused.stderr, 'error: permission denied: sales may not export databases\n');
  t.false(fs.existsSync(file), 'no file is left behind');
});

test.serial('only a manager may export: the database refuses others, and never shows hashes to the runtime role', async (t) => {
  const runtimeUrl = await ensureEmbeddedDatabase({ dataDir: t.context.sourceData, idleMinutes: 5 });
  const tokenOf = (who: { email: string; password: string }) =>
    withAdmin(runtimeUrl, async (c) => (await c.query('SELECT token FROM epic_login($1, $2)', [who.email, who.password])).rows[0].token as string);
  const [managerToken, salesToken] = [await tokenOf(MANAGER), await tokenOf(SALES)];

  // The runtime role, even with a manager's session, reads no password hash.
  const hashes = await withAdmin(runtimeUrl, async (c) => {
    await c.query('BEGIN');
    await c.query('SELECT * FROM epic_begin($1)', [managerToken]);
    return c.query('SELECT "passwordHash" FROM collaborators').catch((error) => error);
  });
  t.is(hashes.code, '42501');

  // As the owner, with a salesperson's session that the application took for a manager's.
  const owner = createOwnerSequelize(embeddedAdminUrl(t.context.sourceData, 'owner')!);
  const written: string[] = [];
  const sink: ExportSink = {
    header: (h) => void written.push(JSON.stringify(h)),
    table: (name) => void written.push(name),
    rows: (lines) => void written.push(...lines),
  };
  try {
    const error = await t.throwsAsync(
      inTransaction(owner, systemClock, async (tx) => {
        const actor = await beginSession(tx, salesToken);
        await exportRecords({ ...tx, actor: { ...actor, role: 'management' } }, sink, new Date());
      }),
    );
    t.true(error instanceof PermissionDenied);
    t.regex(error!.message, /the database refused it \(only management may do this\)/);
  } finally {
    await owner.close();
  }
  t.deepEqual(written, []);
});

test.serial('a backup restores into a new embedded database', async (t) => {
  const restored = embeddedUser();
  t.context.dataDirs.push(restored.env.EPIC_DATA_DIR);
  const imported = await restored.run(['db', 'import', t.context.file]);
  t.is(imported.code, 0, imported.stderr);
  const source = await everyRow(embeddedAdminUrl(t.context.sourceData, 'owner')!);
  const copy = await everyRow(embeddedAdminUrl(restored.env.EPIC_DATA_DIR, 'owner')!);
  t.deepEqual(copy, source);
  t.is((await login(restored, SALES)).code, 0);
});

test.serial('the export is one snapshot: what changes while it runs is not in it', async (t) => {
  // Last: it changes the source database, which the tests above compare with their copies.
  const ownerUrl = embeddedAdminUrl(t.context.sourceData, 'owner')!;
  const runtimeUrl = await ensureEmbeddedDatabase({ dataDir: t.context.sourceData, idleMinutes: 5 });
  const token = await withAdmin(runtimeUrl, async (c) => (await c.query('SELECT token FROM epic_login($1, $2)', [MANAGER.email, MANAGER.password])).rows[0].token as string);
  const before = (await everyRow(ownerUrl)).clients.length;
  const exported: Record<string, string[]> = {};
  let current = '';
  const sink: ExportSink = {
    header: () => undefined,
    // Once the collaborators are read, another connection adds a client and commits.
    table: async (name) => {
      if (name === 'clients') {
        await withAdmin(ownerUrl, (c) => c.query(`INSERT INTO clients ("fullName", email, phone, "salesContactId", "createdAt", "updatedAt") VALUES ('Late Comer', 'late@comer.test', '+33611111111', 2, now(), now())`));
      }
      current = name;
      exported[name] = [];
    },
    rows: (lines) => void exported[current].push(...lines),
  };
  const owner = createOwnerSequelize(ownerUrl);
  try {
    await inSession(owner, systemClock, token, () => undefined, (ctx) => exportRecords(ctx, sink, new Date()), { isolationLevel: Transaction.ISOLATION_LEVELS.REPEATABLE_READ });
  } finally {
    await owner.close();
  }
  t.is((await everyRow(ownerUrl)).clients.length, before + 1);
  t.is(exported.clients.length, before);
  t.false(exported.clients.some((line) => line.includes('late@comer.test')));
  t.false(exported.history.some((line) => line.includes('Late Comer')), 'nor the history of the change');
});
