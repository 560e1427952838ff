import fs from 'node:fs';
import path from 'node:path';
import anyTest, { type TestFn } from 'ava';
import pg from 'pg';
import { freshDatabase } from './helpers/database';
import { runOk, shellHarness, type ShellHarness } from './helpers/shell';
import { tempDir } from './helpers/temp';
import { createClient, listClients, updateClient } from '../lib/services/clients';
import { listEvents } from '../lib/services/events';
import { utcTimestamp } from '../lib/services/list-query';
import { selectRows } from '../lib/db/context';
import { createOwnerSequelize } from '../lib/db/connection';
import * as contactsMigration from '../migrations/20261201000300-collaborator-contacts';
import { escapeLike, phoneSearchDigits } from '../lib/services/validation';
import { buildWorld, openSessionFor, type World } from './helpers/world';

/**
 * Serial: one test watches the SQL the shared connection sends, another reassigns a client.
 *
 * Lists at a size where counting, streaming and plans matter (issue 12): "1,000+" instead of
 * an exact count, `--all` exports written batch by batch with the same text as a whole list,
 * the salesperson kept on contracts and events by the database, and the plans of the runtime
 * role using the indexes meant for them.
 */
const test = anyTest as TestFn<{ w: World }>;

// More than five export batches (1,000 rows each).
const BULK = 5200;

test.before(async (t) => {
  const w = await buildWorld(await freshDatabase());
  // Names a spreadsheet would run, quotes, commas and line breaks among plain ones.
  await w.db.owner.query(`
    INSERT INTO clients ("fullName", email, phone, "companyName", "salesContactId", "createdAt", "updatedAt", version)
      SELECT (ARRAY['=1+1 Bulk ', '-Minus ', 'Bulk "quoted", ', '@At ', 'Bulk '])[1 + i % 5] || i, 'bulk' || i || '@bulk.test', '+3361' || lpad(i::text, 7, '0'),
             CASE WHEN i % 7 = 0 THEN 'Dupont;=cmd|calc' WHEN i % 11 = 0 THEN E'two\\nlines' END, ${w.sales.id}, now(), now(), 0
        FROM generate_series(1, ${BULK}) i;
    ANALYZE clients;`);
  t.context.w = w;
});
test.after.always(async (t) => {
  await t.context.w?.db.drop();
});

/** Clients matching a condition, counted by the owner. */
async function count(w: World, condition = 'true'): Promise<number> {
  const [rows] = (await w.db.owner.query(`SELECT count(*)::int AS n FROM clients WHERE ${condition}`)) as [{ n: number }[], unknown];
  return rows[0].n;
}

async function salesShell(w: World): Promise<ShellHarness> {
  const shell = shellHarness(w.db, w.clock);
  await shell.loginAs('sam@epic.test');
  return shell;
}

/** Work on a connection of the runtime role, in a transaction of `who`'s session, rolled back after it. */
async function inRuntimeSession<T>(w: World, who: { id: number }, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const token = await openSessionFor(w.db, who.id);
  const c = new pg.Client({ connectionString: w.db.url });
  await c.connect();
  try {
    await c.query('BEGIN');
    await c.query('SELECT status FROM epic_begin($1)', [token]);
    return await work(c);
  } finally {
    await c.query('ROLLBACK').catch(() => undefined);
    await c.end();
  }
}

test.serial('a full page says "1,000+" once more than 1,000 rows match; a page that is not full, or one that counted them all, says the number', async (t) => {
  const shell = await salesShell(t.context.w);
  await runOk(shell, 'client list');
  t.regex(shell.stderr.text(), /^showing 30 of 1,000\+ \(--limit <n> or --all for more\)$/m);
  await runOk(shell, 'client list --search =1+1 bulk 1');
  t.regex(shell.stderr.text(), new RegExp(`^showing 30 of ${await count(t.context.w, `"searchText" LIKE '%=1+1 bulk 1%'`)} \\(`, 'm'));
  await runOk(shell, 'client list --search =1+1 bulk 5195');
  t.is(shell.stderr.text(), '');
  // A search counts its matches in the page's own query: capped all the same, and no extra column.
  const found = await runOk(shell, 'client list --search bulk --format json');
  t.regex(shell.stderr.text(), /^showing 30 of 1,000\+ \(/m);
  t.is(JSON.parse(found).length, 30);
  const { w } = t.context;
  const listing = await w.as(w.sales, (ctx) => listClients(ctx, { search: 'bulk', limit: 5 }));
  t.like(listing, { total: 1000, atLeast: true });
  const columns = ['companyName', 'createdAt', 'email', 'fullName', 'id', 'lastContactAt', 'phone', 'salesContact', 'salesContactId', 'updatedAt'];
  t.deepEqual(Object.keys(listing.rows[0]).sort(), columns);
  // A page that the search's function sorted (fewer matches than it sorts): the first rows of every match sorted, their number, no extra column.
  const sorted = await w.as(w.sales, (ctx) => listClients(ctx, { search: '=1+1 bulk 1', limit: 5 }));
  const [first] = (await w.db.owner.query(`SELECT id FROM clients WHERE "searchText" LIKE '%=1+1 bulk 1%' ORDER BY "foldedName", id LIMIT 5`)) as [{ id: number }[], unknown];
  t.deepEqual(sorted.rows.map((row) => row.id), first.map((row) => row.id));
  t.deepEqual(sorted, { rows: sorted.rows, total: await count(w, `"searchText" LIKE '%=1+1 bulk 1%'`) });
  t.deepEqual(Object.keys(sorted.rows[0]).sort(), columns);
  await runOk(shell, 'client list --limit 2000');
  t.regex(shell.stderr.text(), /^showing 2,000 of 2,000\+ \(/m);
  await runOk(shell, 'client list --all --format json');
  t.is(JSON.parse(shell.stdout.text()).length, await count(t.context.w));
  t.is(shell.stderr.text(), '');
});

test.serial('client list --all in CSV, TSV and JSON lines is the same text as the whole list at once, formula cells neutralised', async (t) => {
  const shell = await salesShell(t.context.w);
  for (const format of ['csv', 'tsv', 'jsonl']) {
    // --limit 10000 is one page, rendered at once: the text the stream must equal.
    const whole = await runOk(shell, `client list --limit 10000 --format ${format}`);
    const streamed = await runOk(shell, `client list --all --format ${format}`);
    t.is(streamed, whole, format);
    t.is(shell.stderr.text(), '', format);
  }
  const csv = await runOk(shell, 'client list --all --format csv');
  const lines = csv.split('\r\n');
  t.is(lines[0], 'id,fullName,email,phone,companyName,salesContact,createdAt,updatedAt,lastContactAt');
  t.true(lines.some((line) => /^\d+,'=1\+1 Bulk 5,bulk5@bulk\.test,tel:\+33610000005,,Sam Sales,/.test(line)), 'a formula name gets its quote');
  t.true(lines.some((line) => /^\d+,'-Minus 1,/.test(line)));
  t.true(lines.some((line) => /^\d+,"Bulk ""quoted"", 2",/.test(line)));
  t.true(lines.some((line) => line.includes(",Dupont;'=cmd|calc,")), 'after a separator too');
  t.true(csv.includes('"two\nlines"'), 'a line break is quoted');
  t.is(lines.length, (await count(t.context.w)) + 2, 'header, rows, and the empty string after the last CRLF');
});

test.serial('client list --all > file streams into the file; >> appends rows without a second header; nothing found still writes the header', async (t) => {
  const shell = await salesShell(t.context.w);
  const dir = tempDir('epic-export-');
  const file = path.join(dir, 'clients.csv');
  await runOk(shell, `client list --all > ${file}`);
  t.regex(shell.stderr.text(), /written to .*clients\.csv/);
  const whole = await runOk(shell, 'client list --limit 10000 --format csv');
  t.is(fs.readFileSync(file, 'utf8'), whole);
  t.is(fs.statSync(file).mode & 0o777, 0o600);
  await runOk(shell, `client list --all --search =1+1 bulk 5195 >> ${file}`);
  const appended = fs.readFileSync(file, 'utf8');
  t.true(appended.startsWith(whole));
  t.regex(appended.slice(whole.length), /^\d+,'=1\+1 Bulk 5195,[^\r]*\r\n$/);
  const empty = path.join(dir, 'none.tsv');
  await runOk(shell, `client list --all --search no such client anywhere > ${empty}`);
  t.regex(shell.stderr.text(), /nothing found/);
  t.is(fs.readFileSync(empty, 'utf8'), 'id\tfullName\temail\tphone\tcompanyName\tsalesContact\tcreatedAt\tupdatedAt\tlastContactAt\n');
  fs.rmSync(dir, { recursive: true, force: true });
});

test.serial('contracts and events carry their client\'s salesperson: set on creation, passed on when the client is reassigned, never written by the runtime role, not in the history', async (t) => {
  const { w } = t.context;
  const owners = async () =>
    (
      await w.db.owner.query(
        `SELECT (SELECT array_agg(DISTINCT "clientSalesContactId") FROM contracts WHERE "clientId" = :client) AS contracts,
                (SELECT array_agg(DISTINCT e."clientSalesContactId") FROM events e JOIN contracts k ON k.id = e."contractId" WHERE k."clientId" = :client) AS events`,
        { replacements: { client: w.ownClient.id }, plain: true },
      )
    ) as unknown as { contracts: number[]; events: number[] };
  t.deepEqual(await owners(), { contracts: [w.sales.id], events: [w.sales.id] });
  const manager = shellHarness(w.db, w.clock);
  await manager.loginAs('maud@epic.test');
  await runOk(manager, `client reassign #${w.ownClient.id} --to Sonia Sales`);
  t.deepEqual(await owners(), { contracts: [w.otherSales.id], events: [w.otherSales.id] });
  const sonia = shellHarness(w.db, w.clock);
  await sonia.loginAs('sonia@epic.test');
  t.true((await runOk(sonia, 'event list --mine')).includes(w.assignedEvent.name));
  t.true((await runOk(sonia, 'contract list --unsigned --mine')).split('\n').some((line) => line.startsWith(`${w.ownUnsigned.id}\t`)));
  const [history] = await w.db.owner.query(`SELECT count(*)::int AS n FROM history WHERE changes -> 'clientSalesContactId' IS NOT NULL`);
  t.deepEqual(history, [{ n: 0 }]);
  await runOk(manager, `client reassign #${w.ownClient.id} --to Sam Sales`);
  t.deepEqual(await owners(), { contracts: [w.sales.id], events: [w.sales.id] });
  // The runtime role may read the column, never set it.
  await inRuntimeSession(w, w.manager, (c) =>
    t.throwsAsync(c.query('UPDATE contracts SET "clientSalesContactId" = $1 WHERE id = $2', [w.otherSales.id, w.ownUnsigned.id]), { message: /permission denied/ }),
  );
});

test.serial('as the runtime role, --mine, --upcoming and the count use the indexes meant for them', async (t) => {
  const { w } = t.context;
  const shell = await salesShell(w);
  const statements: string[] = [];
  const sequelize = w.db.sequelize as unknown as { options: { logging: unknown; logQueryParameters?: boolean } };
  const logging = sequelize.options.logging;
  const capture = async (line: string) => {
    statements.length = 0;
    sequelize.options.logging = (sql: string) => statements.push(sql.replace(/^Executing \([^)]*\): /, '').replace(/\s+/g, ' '));
    sequelize.options.logQueryParameters = true;
    try {
      await runOk(shell, line);
    } finally {
      sequelize.options.logging = logging;
      sequelize.options.logQueryParameters = false;
    }
    return statements.filter((sql) => /^SELECT "(Event|Contract|Client)"\.id,/.test(sql) || /^SELECT count\(\*\)/.test(sql));
  };
  const plan = (sql: string) =>
    inRuntimeSession(w, w.sales, async (c) => {
      await c.query('SET LOCAL enable_seqscan = off');
      // The statement as it was sent: its text, and the values of its parameters after it.
      const [, text, values] = /^(.*?)(?:; (\[.*\]))?$/.exec(sql)!;
      return (await c.query(`EXPLAIN ${text}`, values ? JSON.parse(values) : [])).rows.map((row) => row['QUERY PLAN']).join('\n');
    });
  const [mineEvents] = await capture('event list --mine');
  // A few rows here: a bitmap scan of the same index is as good as the ordered scan.
  t.regex(await plan(mineEvents), /(Index Scan using|Bitmap Index Scan on) events_sales_contact_starts_idx/);
  const [unsigned] = await capture('contract list --unsigned --mine');
  t.regex(await plan(unsigned), /(Index Scan using|Bitmap Index Scan on) contracts_unsigned_sales_contact_idx/);
  const [upcoming] = await capture('event list --upcoming');
  t.regex(await plan(upcoming), /(Index Scan using events_starts_at_idx on events "Event"|Bitmap Index Scan on events_starts_at_idx)[^\n]*\n\s+Index Cond: \("startsAt" >= (?:\$\d+|\(InitPlan \d+\)\.col1)\)/);
  const [page, counted] = await capture('client list');
  t.regex(await plan(page), /Index Scan using clients_folded_name_order_idx on clients/);
  // One row back, counted by the database over at most 1,001 matches, in no particular order.
  t.regex(counted, /LIMIT 1001\) AS capped$/);
  t.regex(mineEvents, /"clientSalesContactId" = \$1\) .*; \[\d+\]$/, 'the owner is a parameter');
  t.regex(await plan(counted), /Aggregate[^\n]*\n\s+->\s+Limit/);
  t.notRegex(await plan(counted), /Sort/);
});

test.serial('a search matching more clients than it sorts walks the name order instead, first when the table\'s first rows hold many matches, at once when most of them match: the same page, "1,000+", the walk reading the index alone', async (t) => {
  const { w } = t.context;
  /** The first ids of a search, as the owner finds them (no row-level security), sorting every match. */
  const expected = async (like: string, limit: number, extra = 'true') => {
    const [rows] = (await w.db.owner.query(`SELECT id FROM clients WHERE "searchText" LIKE '${like}' AND ${extra} ORDER BY epic_fold("fullName"), id LIMIT ${limit}`)) as [{ id: number }[], unknown];
    return rows.map((row) => row.id);
  };
  const search = (who: { id: number }, filters: Parameters<typeof listClients>[1]) => w.as(who, (ctx) => listClients(ctx, filters));
  const ids = (listing: { rows: { id: number }[] }) => listing.rows.map((row) => row.id);

  // Every bulk client's email: more matches than a search sorts (it stops at 2,001).
  t.true((await count(w, `"searchText" LIKE '%@bulk.test%'`)) > 2001);
  for (const limit of [30, 2500]) {
    const page = await search(w.sales, { search: '@bulk.test', limit });
    t.deepEqual(ids(page), await expected('%@bulk.test%', limit), `limit ${limit}`);
    t.like(page, { total: Math.max(1000, limit), atLeast: true });
  }
  // Narrowed to one salesperson, whose matches the search function counts: Sam has every bulk client, Sonia none.
  t.deepEqual(ids(await search(w.sales, { search: '@bulk.test', mine: true, limit: 30 })), await expected('%@bulk.test%', 30, `"salesContactId" = ${w.sales.id}`));
  t.deepEqual(ids(await search(w.manager, { search: '@bulk.test', sales: 'Sam Sales', limit: 30 })), await expected('%@bulk.test%', 30, `"salesContactId" = ${w.sales.id}`));
  t.like(await search(w.manager, { search: '@bulk.test', sales: 'Sonia Sales', limit: 30 }), { rows: [], total: 0 });
  // Narrowed otherwise (nobody was contacted): every match found and sorted, the same page.
  t.deepEqual(ids(await search(w.sales, { search: '@bulk.test', notContactedSince: '30', limit: 30 })), await expected('%@bulk.test%', 30));
  // More matches than the count says, fewer than a search sorts: sorted.
  t.is(await count(w, `"searchText" LIKE '%bulk2%'`), 1111);
  const some = await search(w.sales, { search: 'bulk2', limit: 30 });
  t.deepEqual(ids(some), await expected('%bulk2%', 30));
  t.like(some, { total: 1000, atLeast: true });

  // How the function found each page, told by the indexes it read in its transaction: the gram
  // index (the search's candidates) and the folded-name index in the list's order (the walk), with
  // the table rows that index had fetched; and the page found, its ids in no order, with the count given each.
  const inIdOrder = (ids: number[]) => [...ids].sort((a, b) => a - b);
  const readBy = (call: string) =>
    inRuntimeSession(w, w.sales, async (c) => {
      const scans = async () =>
        (
          await c.query(`SELECT pg_stat_get_xact_numscans('clients_search_grams_idx'::regclass)::int AS grams,
                                pg_stat_get_xact_numscans('clients_folded_name_order_idx'::regclass)::int AS walk,
                                pg_stat_get_xact_tuples_fetched('clients_folded_name_order_idx'::regclass)::int AS fetched`)
        ).rows[0] as { grams: number; walk: number; fetched: number };
      const before = await scans();
      const page = (await c.query(`SELECT * FROM ${call}`)).rows as { id: number; matching: number }[];
      t.true(page.length > 0, call);
      const after = await scans();
      return {
        grams: after.grams - before.grams,
        walk: after.walk - before.walk,
        rowsFetched: after.fetched - before.fetched,
        page: { ids: inIdOrder(page.map((row) => row.id)), matching: [...new Set(page.map((row) => row.matching))] },
      };
    });
  /** The page the function should find for `like`, and the count it should give. */
  const expectedPage = async (like: string, matching: number) => ({ ids: inIdOrder(await expected(like, 30)), matching: [matching] });
  const assertReadBy = async (call: string, like: string, how: { grams: number; walk: number }, matching: number) => {
    const found = await readBy(call);
    t.like(found, how, call);
    t.deepEqual(found.page, await expectedPage(like, matching), call);
  };
  // Most of the list's first rows match: the count is certain there, and the page walked at once, without the index.
  t.like(await readBy(`epic_client_search_page('%@bulk.test%', NULL, NULL, 1001, 30)`), { grams: 0, walk: 1 });
  // Many of them do (bulk2: 11 of the first 100, 1,111 of the 5,200 bulk clients): the page lies
  // within the first rows of the name order, walked first; the index only counts the matches.
  await assertReadBy(`epic_client_search_page('%bulk2%', NULL, NULL, 1001, 30)`, '%bulk2%', { grams: 1, walk: 1 }, 1001);
  // Few of them do (bulk51: 1 of the first 100, 111 in all): the index finds them all, sorted without a walk.
  t.is(await count(w, `"searchText" LIKE '%bulk51%'`), 111);
  await assertReadBy(`epic_client_search_page('%bulk51%', NULL, NULL, 1001, 30)`, '%bulk51%', { grams: 1, walk: 0 }, 111);
  // Matches that only the oldest clients hold (phones +33610000001 to +33610000099 hold "00000"):
  // the name order's first rows hold a few, not the page, which is then found as without the walk
  // (in table order, the index's pieces being too common).
  t.is(await count(w, `"searchText" LIKE '%00000%'`), 99);
  await assertReadBy(`epic_client_search_page('%00000%', NULL, NULL, 1001, 30)`, '%00000%', { grams: 0, walk: 1 }, 99);
  // Walked first, counted below "1,000+": the count is of the matches, not of the index's
  // candidates (clients named Chalk2 hold the piece "lk2" that the index is given, not "bulk2").
  await w.db.owner.query(`
    INSERT INTO clients ("fullName", email, phone, "companyName", "salesContactId", "createdAt", "updatedAt", version)
      SELECT 'Chalk2 ' || i, 'chalk2.' || i || '@chalk.test', '+3391' || lpad(i::text, 7, '0'), NULL, ${w.sales.id}, now(), now(), 0 FROM generate_series(1, 20) i`);
  try {
    await assertReadBy(`epic_client_search_page('%bulk2%', NULL, NULL, 1200, 30)`, '%bulk2%', { grams: 1, walk: 1 }, 1111);
  } finally {
    await w.db.owner.query(`DELETE FROM clients WHERE email LIKE '%@chalk.test'`);
  }
  // More than the first rows can tell (a page of 2,500), pieces that most clients hold: read in table order, then walked.
  t.like(await readBy(`epic_client_search_page('%@bulk.test%', NULL, NULL, 2501, 2500)`), { grams: 0, walk: 1 });
  // A walk reads the name order's index alone, no table row for each client it passes, once a
  // vacuum has marked the table's pages as all visible (the glance reads the table in its order).
  await w.db.owner.query('VACUUM clients');
  t.like(await readBy(`epic_client_search_page('%@bulk.test%', NULL, NULL, 1001, 30)`), { grams: 0, walk: 1, rowsFetched: 0 });
  // Rare pieces, more matches than a search sorts: the index, then the walk.
  await w.db.owner.query(`
    INSERT INTO clients ("fullName", email, phone, "companyName", "salesContactId", "createdAt", "updatedAt", version)
      SELECT 'Crowd ' || i, 'crowd' || i || '@crowd.test', '+3371' || lpad(i::text, 7, '0'), 'Qz Crowd', ${w.sales.id}, now(), now(), 0 FROM generate_series(1, 2100) i`);
  try {
    t.like(await readBy(`epic_client_search_page('%qz crowd%', NULL, NULL, 1001, 30)`), { grams: 1, walk: 1 });
    const crowd = await search(w.sales, { search: 'qz crowd', limit: 30 });
    t.deepEqual(ids(crowd), await expected('%qz crowd%', 30));
    t.like(crowd, { total: 1000, atLeast: true });
  } finally {
    await w.db.owner.query(`DELETE FROM clients WHERE email LIKE '%@crowd.test'`);
  }
});

test.serial('a page and its count are prepared on their connection the second time their text runs, and no more than 64 texts stay prepared', async (t) => {
  const { w } = t.context;
  // One transaction, so one connection: statements are prepared per connection.
  await w.as(w.sales, async (ctx) => {
    const prepared = async () =>
      (await selectRows<{ statement: string }>(ctx, `SELECT statement FROM pg_prepared_statements WHERE name LIKE 'epic_list_%'`)).map((row) => row.statement);
    const list = (limit: number) => listClients(ctx, { mine: true, limit });
    const first = await list(7);
    t.false((await prepared()).some((text) => text.endsWith('LIMIT 7')), 'not prepared the first time');
    t.deepEqual(await list(7), first);
    const kept = await prepared();
    t.true(kept.some((text) => /"salesContactId" = \$1\)? ORDER BY .* LIMIT 7$/.test(text)), kept.join('\n'));
    t.true(kept.some((text) => /^SELECT count\(\*\).*"salesContactId" = \$1/.test(text)), 'and its count');
    t.deepEqual(await list(7), first, 'and run prepared');
    // 70 more texts (a limit each), each run twice: the least recently used are deallocated.
    for (let limit = 100; limit < 170; limit++) {
      t.is((await list(limit)).rows.length, limit);
      await list(limit);
    }
    const after = await prepared();
    t.is(after.length, 64);
    t.false(after.some((text) => text.endsWith('LIMIT 7')));
    t.true(after.some((text) => text.endsWith('LIMIT 169')));
  });
});

test.serial("an upcoming or past page holds the command's time as a parameter: the same text a minute later, prepared the second time; an export writes it in", async (t) => {
  const { w } = t.context;
  await w.as(w.sales, async (ctx) => {
    const prepared = async () =>
      (await selectRows<{ statement: string }>(ctx, `SELECT statement FROM pg_prepared_statements WHERE name LIKE 'epic_list_%'`)).map((row) => row.statement);
    for (const [filters, condition] of [
      [{ upcoming: true }, /"Event"\."endsAt" >= \$\d+::timestamptz\b.*epic_upcoming_since\(\$\d+::timestamptz\)/],
      [{ past: true }, /"Event"\."endsAt" < \$\d+::timestamptz\b/],
    ] as const) {
      const first = await listEvents(ctx, { ...filters, limit: 3 });
      t.false((await prepared()).some((text) => condition.test(text) && text.endsWith('LIMIT 3')), 'not prepared the first time');
      w.clock.advance(1);
      t.deepEqual(await listEvents(ctx, { ...filters, limit: 3 }), first);
      t.true((await prepared()).some((text) => condition.test(text) && text.endsWith('LIMIT 3')), `prepared the second time, a minute later: ${JSON.stringify(filters)}`);
    }
  });
  const shell = await salesShell(w);
  const exported = await runOk(shell, 'event list --upcoming --all --format json');
  const upcoming = JSON.parse(exported) as { endsAt: string }[];
  t.true(upcoming.length > 0);
  t.true(upcoming.every((event) => new Date(event.endsAt) >= w.clock.now()));
});

test.serial('a statement whose first prepared run failed is prepared again later, and never deallocated while the server does not have it', async (t) => {
  const { w } = t.context;
  await w.as(w.sales, async (ctx) => {
    const list = (limit: number) => listClients(ctx, { mine: true, limit });
    await list(8);
    // The second run prepares it, in a transaction aborted meanwhile: the server refuses it.
    await selectRows(ctx, 'SAVEPOINT broken');
    await t.throwsAsync(selectRows(ctx, 'SELECT 1 / 0'));
    await t.throwsAsync(list(8), { message: /current transaction is aborted/ });
    await selectRows(ctx, 'ROLLBACK TO SAVEPOINT broken');
    // Enough other texts to evict every name given so far: nothing is deallocated that was never prepared.
    for (let limit = 200; limit < 270; limit++) {
      await list(limit);
      await list(limit);
    }
    t.is((await list(8)).rows.length, 8);
  });
});

test.serial("a non-manager's collaborators are those collaborator_contacts holds: the policy looks each one up there, and reads no client or event", async (t) => {
  const { w } = t.context;
  const plan = await inRuntimeSession(w, w.sales, async (c) => (await c.query('EXPLAIN SELECT id FROM collaborators')).rows.map((row) => row['QUERY PLAN']).join('\n'));
  t.regex(plan, / on collaborator_contacts\b/, plan);
  t.notRegex(plan, / on (clients|events)\b/, plan);
});

test.serial('collaborator_contacts holds every salesperson of a client and support of an event, and nobody else, as records are created, reassigned, deleted and emptied; the runtime role cannot write it', async (t) => {
  const { w } = t.context;
  const owner = new pg.Client({ connectionString: w.db.ownerUrl });
  await owner.connect();
  const ids = async (sql: string): Promise<number[]> => (await owner.query(sql)).rows[0].ids ?? [];
  const held = () => ids('SELECT array_agg("collaboratorId" ORDER BY "collaboratorId") AS ids FROM collaborator_contacts');
  const truth = () =>
    ids('SELECT array_agg(id ORDER BY id) AS ids FROM (SELECT "salesContactId" AS id FROM clients UNION SELECT "supportContactId" FROM events) s WHERE id IS NOT NULL');
  const holds = async (what: string, who: number, expected: boolean) => {
    t.deepEqual(await held(), await truth(), what);
    t.is((await held()).includes(who), expected, what);
  };
  const person = async (name: string, role: string) =>
    (await owner.query(`INSERT INTO collaborators ("fullName", email, role, "passwordHash", "createdAt", "updatedAt") VALUES ($1, $2, $3, 'x', now(), now()) RETURNING id`, [name, `${name.replace(' ', '.')}@contacts.test`, role])).rows[0].id as number;
  let made = 0;
  const clientOf = async (salesContactId: number) =>
    (await owner.query(`INSERT INTO clients ("fullName", email, phone, "salesContactId", "createdAt", "updatedAt", version) VALUES ('Contact Check ' || $1::text, 'check' || $1::text || '@contacts.test', '+33600000000', $2, now(), now(), 0) RETURNING id`, [++made, salesContactId])).rows[0].id as number;
  try {
    t.deepEqual(await held(), await truth(), 'as the migration made it');
    const nina = await person('Nina New', 'sales');
    const sid = await person('Sid New', 'support');
    await holds('a collaborator with no record', nina, false);
    const first = await clientOf(nina);
    await holds('her first client', nina, true);
    const second = await clientOf(nina);
    await owner.query('DELETE FROM clients WHERE id = $1', [first]);
    await holds('one of her two clients deleted', nina, true);
    await owner.query('UPDATE clients SET "salesContactId" = $2 WHERE id = $1', [second, w.sales.id]);
    await holds('her last client given to someone else', nina, false);
    const many = [await clientOf(nina), await clientOf(nina), await clientOf(nina)];
    await owner.query('UPDATE clients SET "salesContactId" = $2 WHERE id = ANY ($1)', [many.slice(0, 2), w.sales.id]);
    await holds('two of her three clients given away in one statement', nina, true);
    await owner.query('UPDATE collaborators SET id = id + 100000 WHERE id = $1', [nina]);
    await holds('her id changed (a cascade)', nina + 100000, true);
    await owner.query('DELETE FROM clients WHERE id = ANY ($1)', [many]);
    await holds('her clients deleted in one statement', nina + 100000, false);
    await owner.query('UPDATE events SET "supportContactId" = $2 WHERE id = $1', [w.unassignedEvent.id, sid]);
    await holds('an event given to support', sid, true);
    await owner.query('UPDATE events SET "supportContactId" = NULL WHERE id = $1', [w.unassignedEvent.id]);
    await holds('the event unassigned', sid, false);
    await owner.query('BEGIN');
    await owner.query('TRUNCATE events CASCADE');
    await holds('the events emptied: their support staff are no longer contacts', w.support.id, false);
    await owner.query('ROLLBACK');
    await holds('the emptying undone', w.support.id, true);
    for (const sql of ['INSERT INTO collaborator_contacts ("collaboratorId") VALUES ($1)', 'DELETE FROM collaborator_contacts WHERE "collaboratorId" = $1', 'UPDATE collaborator_contacts SET "collaboratorId" = $1']) {
      await t.throwsAsync(inRuntimeSession(w, w.manager, (c) => c.query(sql, [w.sales.id])), { message: /permission denied/ }, sql);
    }
    // Made from the records when the migration runs on a database that has some.
    const migrating = createOwnerSequelize(w.db.ownerUrl);
    try {
      await contactsMigration.down(migrating.getQueryInterface());
      await contactsMigration.up(migrating.getQueryInterface());
    } finally {
      await migrating.close();
    }
    t.true((await held()).length > 0);
    t.deepEqual(await held(), await truth(), 'made by the migration');
  } finally {
    await owner.end();
  }
});

test.serial("a collaborator given a record while their last one is taken away stays a contact: the two changes are decided one after the other, or the later one fails to serialize", async (t) => {
  const { w } = t.context;
  const connect = async () => {
    const c = new pg.Client({ connectionString: w.db.ownerUrl });
    await c.connect();
    return c;
  };
  const [giving, taking, watching] = [await connect(), await connect(), await connect()];
  try {
    const nina = (await watching.query(`INSERT INTO collaborators ("fullName", email, role, "passwordHash", "createdAt", "updatedAt") VALUES ('Nina Race', 'nina.race@contacts.test', 'sales', 'x', now(), now()) RETURNING id`)).rows[0].id as number;
    const insertClient = (c: pg.Client, name: string) =>
      c.query(`INSERT INTO clients ("fullName", email, phone, "salesContactId", "createdAt", "updatedAt", version) VALUES ($1, $2, '+33600000001', $3, now(), now(), 0) RETURNING id`, [name, `${name.replace(' ', '.')}@contacts.test`, nina]);
    const last = (await insertClient(watching, 'Race Last')).rows[0].id as number;
    // A second client for her, not committed yet; her last one deleted meanwhile, which must wait.
    await giving.query('BEGIN');
    await insertClient(giving, 'Race New');
    await taking.query('BEGIN');
    const [{ pid }] = (await taking.query('SELECT pg_backend_pid() AS pid')).rows;
    const deleting = taking.query('DELETE FROM clients WHERE id = $1', [last]);
    const waits = async () => (await watching.query(`SELECT wait_event_type AS wait FROM pg_stat_activity WHERE pid = $1`, [pid])).rows[0].wait === 'Lock';
    for (let i = 0; i < 300 && !(await waits()); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    t.true(await waits(), 'the deletion waits for the new client to be committed or not');
    await giving.query('COMMIT');
    await deleting;
    await taking.query('COMMIT');
    t.deepEqual((await watching.query('SELECT "collaboratorId" FROM collaborator_contacts WHERE "collaboratorId" = $1', [nina])).rows, [{ collaboratorId: nina }], 'still a contact');

    // In REPEATABLE READ, a deletion whose snapshot predates the new client cannot see it: it fails rather than take her off the list.
    const kept = (await insertClient(watching, 'Race Kept')).rows[0].id as number;
    await watching.query('DELETE FROM clients WHERE "salesContactId" = $1 AND id <> $2', [nina, kept]);
    await taking.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await taking.query('SELECT 1 FROM clients LIMIT 1');
    const later = (await insertClient(watching, 'Race Later')).rows[0].id as number;
    await t.throwsAsync(taking.query('DELETE FROM clients WHERE id = $1', [kept]), { code: '40001' });
    await taking.query('ROLLBACK');
    t.deepEqual((await watching.query('SELECT "collaboratorId" FROM collaborator_contacts WHERE "collaboratorId" = $1', [nina])).rows, [{ collaboratorId: nina }], 'still a contact');
    // Nor may it keep her listed from a snapshot that still shows her other client, deleted meanwhile.
    await taking.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await taking.query('SELECT 1 FROM clients LIMIT 1');
    await watching.query('DELETE FROM clients WHERE id = $1', [kept]);
    await t.throwsAsync(taking.query('DELETE FROM clients WHERE id = $1', [later]), { code: '40001' });
    await taking.query('ROLLBACK');
  } finally {
    await Promise.all([giving, taking, watching].map((c) => c.end()));
  }
});

test.serial('a search that looks like a phone number reads the gram index for its digits, not every client', async (t) => {
  const { w } = t.context;
  // As the search functions run it: as the owner, whose policy lets every row through. Sam has
  // every bulk client: narrowed to him, it still reads the index.
  const owner = new pg.Client({ connectionString: w.db.ownerUrl });
  await owner.connect();
  try {
    await owner.query('BEGIN');
    await owner.query('SET LOCAL enable_seqscan = off');
    for (const sales of [null, w.sales.id]) {
      const plan = (await owner.query(`EXPLAIN SELECT * FROM epic_client_candidates(ARRAY['zzz'], ARRAY['001', '012'], $1)`, [sales])).rows.map((row) => row['QUERY PLAN']).join('\n');
      t.regex(plan, /BitmapOr[\s\S]*Bitmap Index Scan on clients_search_grams_idx[\s\S]*Bitmap Index Scan on clients_search_grams_idx/, plan);
    }
  } finally {
    await owner.end();
  }
  const [rows] = (await w.db.owner.query(`SELECT id FROM clients WHERE phone LIKE '%336100012%' ORDER BY epic_fold("fullName"), id`)) as [{ id: number }[], unknown];
  t.true(rows.length > 0);
  const found = await runOk(await salesShell(w), 'client list --search 06 10 00 12 --all --format csv');
  t.deepEqual(found.trim().split('\r\n').slice(1).map((line) => line.split(',')[0]), rows.map((row) => String(row.id)));
});

test.serial('the pieces a search gives the gram index are those every match holds, escapes read as characters', async (t) => {
  const grams = async (pattern: string | null) => ((await t.context.w.db.owner.query('SELECT epic_like_grams($1) AS grams', { bind: [pattern] })) as [{ grams: string[] | null }[], unknown])[0][0].grams;
  t.deepEqual(await grams('%42%'), ['42']);
  // A run of three characters or more gives its trigrams only.
  t.deepEqual(await grams('%bulk 4%'), ['bul', 'k 4', 'lk ', 'ulk']);
  // Wildcards end a run: "a" alone and "%" hold no piece; an escaped wildcard is itself.
  t.deepEqual(await grams('%a_bc%de%'), ['bc', 'de']);
  t.deepEqual(await grams('%ab\\_cd%'), ['_cd', 'ab_', 'b_c']);
  t.deepEqual(await grams('%a\\\\b%'), ['a\\b']);
  t.deepEqual(await grams('%4%'), []);
  t.deepEqual(await grams('%'), []);
  // Ending on a backslash (which LIKE refuses) is read as far as it goes.
  t.deepEqual(await grams('%ab\\'), ['ab']);
  t.is(await grams(null), null);
});

test.serial("a search's gram index is given its rarest pieces, none that most clients hold; the search still keeps only its own matches", async (t) => {
  const { w } = t.context;
  const token = await openSessionFor(w.db, w.sales.id);
  /** The pieces the index is given, asked as the search functions ask: as the owner, in a session (or none). */
  const indexGrams = async (pattern: string, phonePattern: string | null = null, session: string | null = token) => {
    const owner = new pg.Client({ connectionString: w.db.ownerUrl });
    await owner.connect();
    try {
      await owner.query('BEGIN');
      if (session) await owner.query(`SELECT set_config('epic.session', $1, true)`, [session]);
      return (await owner.query('SELECT text_grams AS text, phone_grams AS phone FROM epic_client_index_grams($1, $2)', [pattern, phonePattern])).rows[0] as {
        text: string[] | null;
        phone: string[] | null;
      };
    } finally {
      await owner.end();
    }
  };
  t.deepEqual(await indexGrams('%42%', '%42%'), { text: ['42'], phone: ['42'] });
  // Never one that most clients hold, even alone: the planner would compute every client's pieces ("bul" and "ulk": all of them).
  t.deepEqual(await indexGrams('%bulk%'), { text: null, phone: null });
  // Of more, at most three, and none that every bulk client holds ("bulk" is in every email).
  const { text: rare } = await indexGrams('%bulk 5194%');
  t.true(rare !== null && rare.length >= 1 && rare.length <= 3, String(rare));
  t.false(rare!.some((gram) => ['bul', 'ulk'].includes(gram)), String(rare));
  t.true(rare!.every((gram) => 'bulk 5194'.includes(gram)), String(rare));
  // Nothing to look up (one character; only pieces most clients hold): no index, both sides.
  t.deepEqual(await indexGrams('%4%'), { text: null, phone: null });
  t.deepEqual(await indexGrams('%bulk.test%'), { text: null, phone: null });
  // A phone side that most clients hold ("+3361000…" is every bulk phone's start) leaves the text side nothing either.
  t.deepEqual(await indexGrams('%zzzzz yyy%', '%3361000%'), { text: null, phone: null });
  // Without a session: nothing, no sample read, not even the error a pattern ending in an escape would raise.
  t.deepEqual(await indexGrams('%bulk 5194 %\\', null, null), { text: null, phone: null });
  const blind = new pg.Client({ connectionString: w.db.url });
  await blind.connect();
  try {
    t.is((await blind.query(`SELECT * FROM epic_client_search_page('%bulk 5194 %\\', NULL, NULL, 2001, 30)`)).rowCount, 0);
  } finally {
    await blind.end();
  }

  const found = async (search: string) => (await w.as(w.sales, (ctx) => listClients(ctx, { search, limit: 30 }))).rows.map((row) => row.fullName);
  t.deepEqual(await found('bulk 5194'), ['Bulk 5194']);
  t.deepEqual(await found('=1+1 bulk 5195'), ['=1+1 Bulk 5195']);
  const [expected] = (await w.db.owner.query(`SELECT "fullName" FROM clients WHERE "searchText" LIKE '%bulk 519%' ORDER BY "foldedName", id`)) as [{ fullName: string }[], unknown];
  t.true(expected.length > 1);
  t.deepEqual(await found('bulk 519'), expected.map((row) => row.fullName));

  // Whatever the index is given, a page and the whole list are the first rows of every client
  // the search matches, as the owner finds them without any index.
  for (const search of ['bulk 519', 'bulk_519', 'bulk%519', 'bulk\\5', '＼t bulk 5', 'two lines', '06 10 00 51', '=1+1 bulk 51', '42', 'k 4', '4', 'lk "', '@bulk.test', 'ulk', '0 0']) {
    const digits = phoneSearchDigits(search);
    const [rows] = (await w.db.owner.query(`SELECT id FROM clients WHERE epic_client_matches("searchText", phone, $1, $2) ORDER BY "foldedName", id`, {
      bind: [`%${escapeLike(search)}%`, digits ? `%${digits}%` : null],
    })) as [{ id: number }[], unknown];
    const page = await w.as(w.sales, (ctx) => listClients(ctx, { search, limit: 30 }));
    const whole = await w.as(w.sales, (ctx) => listClients(ctx, { search }));
    t.deepEqual(page.rows.map((row) => row.id), rows.slice(0, 30).map((row) => row.id), search);
    t.deepEqual(whole.rows.map((row) => row.id), rows.map((row) => row.id), search);
    if (rows.length <= 1000) t.is(page.total, rows.length, search);
  }
});

test.serial('the search functions read their candidates through epic_client_candidates inlined: the gram index, never the gram function on each row', async (t) => {
  for (const sales of ['NULL', String(t.context.w.sales.id)]) {
    const plan = (await t.context.w.db.owner.query(`EXPLAIN SELECT * FROM epic_client_candidates(ARRAY[' 51', '194'], NULL, ${sales})`)) as [{ 'QUERY PLAN': string }[], unknown];
    const text = plan[0].map((row) => row['QUERY PLAN']).join('\n');
    t.regex(text, /Bitmap Index Scan on clients_search_grams_idx/, text);
    t.notRegex(text, /Function Scan/, text);
    // Computing the pieces of a client's text takes about 30 µs: never as a filter of the rows read.
    t.notRegex(text, /Filter: [^\n]*epic_search_grams/, text);
  }
  // Even given pieces that every client holds, just after ANALYZE: the index keeps no statistics to
  // tell the planner so, which would make it read the table and compute every client's pieces.
  await t.context.w.db.owner.query('ANALYZE clients');
  const [common] = (await t.context.w.db.owner.query(`EXPLAIN SELECT * FROM epic_client_candidates(ARRAY['bul', 'ulk'], NULL, NULL)`)) as [{ 'QUERY PLAN': string }[], unknown];
  const commonPlan = common.map((row) => row['QUERY PLAN']).join('\n');
  t.regex(commonPlan, /Bitmap Index Scan on clients_search_grams_idx/, commonPlan);
  t.notRegex(commonPlan, /Filter: [^\n]*epic_search_grams/, commonPlan);
  // Without pieces, every client is a candidate: read in table order, the gram function not called.
  const [all] = (await t.context.w.db.owner.query(`EXPLAIN SELECT * FROM epic_client_candidates(NULL, NULL, NULL)`)) as [{ 'QUERY PLAN': string }[], unknown];
  const text = all.map((row) => row['QUERY PLAN']).join('\n');
  t.regex(text, /Seq Scan on clients/, text);
  t.notRegex(text, /epic_search_grams/, text);
});

test.serial('a client written by the runtime role is found through the gram index at once', async (t) => {
  const { w } = t.context;
  const created = await w.as(w.sales, (ctx) => createClient(ctx, { fullName: 'Zoé Qx', email: 'zq@new.test', phone: '+33 6 99 88 77 66' }));
  const ids = async (search: string) => (await w.as(w.sales, (ctx) => listClients(ctx, { search, limit: 30 }))).rows.map((row) => row.id);
  t.deepEqual(await ids('qx'), [created.id]);
  t.deepEqual(await ids('e q'), [created.id]);
  t.deepEqual(await ids('06 99 88 77'), [created.id]);
  await w.as(w.sales, (ctx) => updateClient(ctx, String(created.id), { fullName: 'Zoé Wy' }));
  t.deepEqual(await ids('qx'), []);
  t.deepEqual(await ids('wy'), [created.id]);
});

test.serial("a search page's function counts and returns only the clients of the salesperson it is narrowed to", async (t) => {
  const { w } = t.context;
  const page = (salesContactId: number, enough: number) =>
    inRuntimeSession(w, w.sales, async (c) => (await c.query(`SELECT id, matching FROM epic_client_search_page('%.test%', NULL, $1, $2, 30)`, [salesContactId, enough])).rows);
  // Sonia's first clients match densely enough for a walk of the name order, which holds everyone's clients.
  await w.db.owner.query(`
    INSERT INTO clients ("fullName", email, phone, "companyName", "salesContactId", "createdAt", "updatedAt", version)
      SELECT 'Zz Sonia ' || i, 'zz.sonia' || i || '@sonia.test', '+3381' || lpad(i::text, 7, '0'), NULL, ${w.otherSales.id}, now(), now(), 0 FROM generate_series(1, 5) i`);
  try {
    for (const who of [w.sales, w.otherSales]) {
      const [rows] = (await w.db.owner.query(`SELECT id FROM clients WHERE "searchText" LIKE '%.test%' AND "salesContactId" = ${who.id} ORDER BY "foldedName", id`)) as [{ id: number }[], unknown];
      t.true(rows.length > (who === w.otherSales ? 3 : 2001));
      // 1,001: the glance at the salesperson's first clients decides; 2,001: more than it can tell.
      for (const enough of [1001, 2001]) {
        const found = await page(who.id, enough);
        t.deepEqual(found.map((row) => row.id), rows.slice(0, 30).map((row) => row.id), `${who.id}, ${enough}`);
        t.true(found.every((row) => row.matching === Math.min(rows.length, enough)));
      }
    }
  } finally {
    await w.db.owner.query(`DELETE FROM clients WHERE email LIKE '%@sonia.test'`);
  }
});

test.serial("every logged-in collaborator reads every client, which a search page's function counts and returns as the owner (migration 20261130001500)", async (t) => {
  const [policies] = (await t.context.w.db.owner.query(`SELECT policyname, qual FROM pg_policies WHERE tablename = 'clients' AND cmd IN ('SELECT', 'ALL') ORDER BY 1`)) as [{ policyname: string; qual: string }[], unknown];
  // A narrower policy here would have it count clients the list hides: move that count under the policy first.
  t.deepEqual(policies, [
    { policyname: 'owner_all', qual: 'true' },
    { policyname: 'runtime_select', qual: '(( SELECT epic_actor_id() AS epic_actor_id) IS NOT NULL)' },
  ]);
});

test.serial('the search functions are planned for each search they run, never with a plan kept for any pattern', async (t) => {
  const [rows] = (await t.context.w.db.owner.query(`
    SELECT p.proname AS name, p.proconfig AS config FROM pg_proc p
     WHERE p.proname IN ('epic_client_ids_matching', 'epic_client_search_page') ORDER BY 1`)) as [{ name: string; config: string[] }[], unknown];
  t.deepEqual(rows.map((row) => row.name), ['epic_client_ids_matching', 'epic_client_search_page']);
  for (const { name, config } of rows) t.true(config.includes('plan_cache_mode=force_custom_plan'), `${name}: ${config.join(', ')}`);
});

test.serial("a client as wide as the columns allow, in characters of four bytes that do not compress, is saved: the name order's index carries its search text", async (t) => {
  const { w } = t.context;
  const [columns] = (await w.db.owner.query(`
    SELECT column_name AS name, character_maximum_length AS length FROM information_schema.columns
     WHERE table_name = 'clients' AND column_name IN ('fullName', 'email', 'companyName')`)) as [{ name: string; length: number }[], unknown];
  const widest = Object.fromEntries(columns.map((column) => [column.name, column.length]));
  // Characters of the CJK Extension B block, a different one each time: four bytes each, as unaccent leaves them.
  let next = 0x20000;
  const text = (length: number) => Array.from({ length }, () => String.fromCodePoint((next = 0x20000 + ((next * 7919 + 13) % 0xa6d0)))).join('');
  const domain = '@x.test';
  const [[saved]] = (await w.db.owner.query(
    `INSERT INTO clients ("fullName", email, phone, "companyName", "salesContactId", "createdAt", "updatedAt", version)
       VALUES ($1, $2, '+33699999999', $3, $4, now(), now(), 0) RETURNING id, octet_length("searchText") AS bytes`,
    { bind: [text(widest.fullName), text(widest.email - domain.length) + domain, text(widest.companyName), w.sales.id] },
  )) as [{ id: number; bytes: number }[], unknown];
  try {
    // The entry holds the folded name and the search text: nearly 2.5 KB of the 2.7 KB a b-tree entry may take.
    t.true(saved.bytes > 1900, `${saved.bytes} bytes of search text`);
  } finally {
    await w.db.owner.query(`DELETE FROM clients WHERE id = ${saved.id}`);
  }
});

test.serial('every GIN index (the trigram and gram searches) keeps a short pending list, which each search reads whole', async (t) => {
  const [rows] = (await t.context.w.db.owner.query(`
    SELECT c.relname AS index, c.reloptions AS options FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
     WHERE a.amname = 'gin' ORDER BY 1`)) as [{ index: string; options: string[] | null }[], unknown];
  t.true(rows.some((row) => row.index === 'clients_search_grams_idx') && rows.length >= 4);
  for (const { index, options } of rows) t.deepEqual(options, ['gin_pending_list_limit=64'], index);
});

test.serial("list timestamps are read as the same instants as pg's own parser reads them, and the forms it leaves to that parser are left to it", async (t) => {
  const owner = new pg.Client({ connectionString: t.context.w.db.ownerUrl });
  await owner.connect();
  try {
    await owner.query(`SET TIME ZONE 'UTC'`);
    // As the server writes them: fractions of every length, whole seconds, the edges of the years it reads itself.
    const { rows } = await owner.query(`
      SELECT (timestamptz '2026-11-30 13:04:05.123456+00' + (i * interval '37 days 3 hours 17 minutes 0.000013 seconds'))::text AS at FROM generate_series(-400, 400) i
      UNION ALL SELECT unnest(ARRAY['1000-01-01 00:00:00+00', '9999-12-31 23:59:59.999999+00', '2026-01-01 00:00:00.5+00',
                                    '0999-12-31 23:59:59+00', '0044-03-15 12:00:00+00 BC', 'infinity', '-infinity'])`);
    const parse = pg.types.getTypeParser(1184, 'text') as (text: string) => Date | number;
    let read = 0;
    for (const { at } of rows as { at: string }[]) {
      const ours = utcTimestamp(at);
      if (ours === undefined) {
        t.true(/^0\d{3}-|BC$|infinity$/.test(at), `${at} is left to pg's parser`);
        continue;
      }
      read++;
      t.is(ours.getTime(), (parse(at) as Date).getTime(), at);
    }
    t.true(read > 800);
  } finally {
    await owner.end();
  }
});

test.serial('epic_upcoming_since: the earliest start of the events running then, the time itself when none runs or without a session', async (t) => {
  const { w } = t.context;
  const at = (sql: string) => w.db.owner.query(sql, { plain: true }) as Promise<unknown>;
  const event = await w.db.owner.query(`SELECT "startsAt", "endsAt" FROM events WHERE id = ${w.assignedEvent.id}`, { plain: true }) as unknown as { startsAt: Date; endsAt: Date };
  const during = new Date((event.startsAt.getTime() + event.endsAt.getTime()) / 2).toISOString();
  const token = await openSessionFor(w.db, w.support.id);
  const c = new pg.Client({ connectionString: w.db.url });
  await c.connect();
  try {
    const since = async (when: string, withSession: boolean) => {
      await c.query('BEGIN');
      if (withSession) await c.query('SELECT status FROM epic_begin($1)', [token]);
      const { rows } = await c.query('SELECT epic_upcoming_since($1::timestamptz) AS since', [when]);
      await c.query('ROLLBACK');
      return (rows[0].since as Date).toISOString();
    };
    const earliest = (await at(`SELECT min("startsAt") AS m FROM events WHERE "startsAt" <= '${during}' AND "endsAt" >= '${during}'`)) as { m: Date };
    t.is(await since(during, true), earliest.m.toISOString());
    t.true(earliest.m <= event.startsAt);
    t.is(await since(during, false), during);
    const quiet = '2001-01-01T00:00:00.000Z';
    t.is(await since(quiet, true), quiet);
  } finally {
    await c.end();
  }
});

test.serial('contract list --all and event list --all in CSV, TSV and JSON lines are the same text as the whole list at once, for each role and with filters', async (t) => {
  const { w } = t.context;
  // A contract for every bulk client and an event for every other one (even ids, so c.id / 2
  // takes every remainder): more than one batch of each, amounts with cents, events sharing a
  // start (the id decides), cells a spreadsheet would run, notes that hold a line break or a
  // control character, some events without support.
  await w.db.owner.query(`
    INSERT INTO contracts ("clientId", "totalAmount", "amountDue", signed, "signedAt", "createdAt", "updatedAt", version)
      SELECT id, 1234.5, CASE WHEN id % 3 = 0 THEN 0 ELSE 99.99 END, true, now() - id * interval '1 minute', now(), now(), 0
        FROM clients WHERE email LIKE '%@bulk.test';
    INSERT INTO events (name, "contractId", "supportContactId", "startsAt", "endsAt", location, attendees, notes, "createdAt", "updatedAt", version)
      SELECT 'Bulk event ' || k.id, k.id, CASE WHEN c.id / 2 % 4 <> 0 THEN ${w.support.id} END,
             timestamptz '2026-01-01 09:00Z' + (c.id / 2 % 400) * interval '1 day', timestamptz '2026-01-01 13:00Z' + (c.id / 2 % 400) * interval '1 day',
             (ARRAY['Paris', '=HYPERLINK("x")', 'Lyon, Gare'])[1 + c.id / 2 % 3], 50,
             (ARRAY[NULL, E'first\\nsecond', '@SUM(1)', E'bell \\u0007 here'])[1 + c.id / 2 % 4], now(), now(), 0
        FROM contracts k JOIN clients c ON c.id = k."clientId" WHERE c.email LIKE '%@bulk.test' AND c.id % 2 = 0;
    ANALYZE contracts; ANALYZE events;`);
  const lists = {
    'sam@epic.test': ['contract list', 'event list', 'event list --mine --upcoming'],
    'paul@epic.test': ['event list --mine'],
    'maud@epic.test': ['contract list --unpaid', 'event list --from 2026-03-01 --to 2026-09-30'],
  };
  for (const [login, commands] of Object.entries(lists)) {
    const shell = shellHarness(w.db, w.clock);
    await shell.loginAs(login);
    for (const command of commands) {
      for (const format of ['csv', 'tsv', 'jsonl']) {
        const whole = await runOk(shell, `${command} --limit 10000 --format ${format}`);
        t.is(shell.stderr.text(), '', `${login} ${command} ${format}: one page held every row`);
        const streamed = await runOk(shell, `${command} --all --format ${format}`);
        t.is(streamed, whole, `${login} ${command} ${format}`);
      }
    }
  }
  const sales = await salesShell(w);
  const events = await runOk(sales, 'event list --all --format csv');
  t.true(events.split('\r\n').length > 2600, 'more than two batches');
  t.true(events.includes(`,"'=HYPERLINK(""x"")",`) && events.includes(",'@SUM(1)\r\n"), 'formula cells quoted');
  t.true(events.includes('"first\nsecond"') && events.includes('bell \\x07 here'), 'a line break quoted, a control character shown as an escape');
});
