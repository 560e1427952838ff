import bcrypt from 'bcrypt';
import test from 'ava';
import pg from 'pg';
import { ACTIONS, type Action } from '../lib/permissions';
import { freshDatabase, serverUrl, withAdmin, type TestDatabase } from './helpers/database';
import { SPEC, type Role, type Target } from './helpers/permission-spec';

/**
 * The database as an attacker meets it: the runtime role's own credentials (what every shell
 * holds), through `pg` only, no application code. Fixtures go in as the owner; tokens come
 * from epic_login. Every refusal must be SQLSTATE 42501 or leave zero rows touched.
 */

const PASSWORD = 'correct horse battery staple';
const HASH = bcrypt.hashSync(PASSWORD, 10); // $2b$, as the npm package writes them

let db: TestDatabase;
let owner: pg.Pool;
let runtime: pg.Pool;

interface Records {
  client: number;
  contract: number;
  unsignedContract: number;
  freeContract: number;
  event: number;
  bareClient: number;
  collaborator: number;
}

const people = {
  manager: 0,
  otherManager: 0,
  sales: 0,
  otherSales: 0,
  support: 0,
  otherSupport: 0,
};
const records = {} as Record<Target, Records>;
const tokens = {} as Record<Role, string>;

async function insert(sql: string, values: unknown[]): Promise<number> {
  return (await owner.query(`${sql} RETURNING id`, values)).rows[0].id as number;
}

const person = (name: string, role: string) =>
  insert(`INSERT INTO collaborators ("fullName", email, role, "passwordHash", "createdAt", "updatedAt") VALUES ($1, $2, $3, $4, now(), now())`, [
    name,
    `${name.toLowerCase().replace(/ /g, '.')}@epic.test`,
    role,
    HASH,
  ]);
/** A collaborator of one test's own, so that tests running at once never share sessions. */
const newcomer = async (name: string, role = 'sales') => {
  await person(name, role);
  return name;
};
const emailOf = (name: string) => `${name.toLowerCase().replace(/ /g, '.')}@epic.test`;

let serial = 0;
const client = (salesContactId: number) =>
  insert(`INSERT INTO clients ("fullName", email, phone, "salesContactId", "createdAt", "updatedAt") VALUES ($1, $2, '+33612345678', $3, now(), now())`, [
    `Client ${++serial}`,
    `client${serial}@example.test`,
    salesContactId,
  ]);
const contract = (clientId: number, signed: boolean) =>
  insert(
    `INSERT INTO contracts ("clientId", "totalAmount", "amountDue", signed, "signedAt", "createdAt", "updatedAt")
     VALUES ($1, 1000, 400, $2, CASE WHEN $2 THEN now() END, now(), now())`,
    [clientId, signed],
  );
const event = (contractId: number, supportContactId: number | null) =>
  insert(
    `INSERT INTO events (name, "contractId", "supportContactId", "startsAt", "endsAt", location, attendees, "createdAt", "updatedAt")
     VALUES ($1, $2, $3, now() + interval '30 days', now() + interval '31 days', 'Lyon', 40, now(), now())`,
    [`Event ${++serial}`, contractId, supportContactId],
  );

/** "own": the salesperson's client, whose event the first support agent runs; "other": another salesperson's; "unassigned": an event without support. */
async function recordsFor(salesContactId: number, supportContactId: number | null, name: string): Promise<Records> {
  const clientId = await client(salesContactId);
  const signed = await contract(clientId, true);
  await insert(`INSERT INTO client_contacts ("clientId", "at", note) VALUES ($1, now(), 'First call')`, [clientId]);
  return {
    client: clientId,
    contract: signed,
    unsignedContract: await contract(clientId, false),
    freeContract: await contract(clientId, true),
    event: await event(signed, supportContactId),
    bareClient: await client(salesContactId),
    collaborator: await person(`Bystander ${name}`, 'support'),
  };
}

async function login(name: string, password = PASSWORD): Promise<{ outcome: string; token: string | null; locked_until: Date | null }> {
  return (await runtime.query('SELECT * FROM epic_login($1, $2)', [emailOf(name), password])).rows[0];
}

test.before(async () => {
  db = await freshDatabase();
  owner = new pg.Pool({ connectionString: db.ownerUrl, max: 2 });
  runtime = new pg.Pool({ connectionString: db.url, max: 4 });
  people.manager = await person('Maud Manager', 'management');
  people.otherManager = await person('Marc Manager', 'management');
  people.sales = await person('Sam Sales', 'sales');
  people.otherSales = await person('Sonia Sales', 'sales');
  people.support = await person('Paul Support', 'support');
  people.otherSupport = await person('Pia Support', 'support');
  records.own = await recordsFor(people.sales, people.support, 'own');
  records.other = await recordsFor(people.otherSales, people.otherSupport, 'other');
  records.unassigned = await recordsFor(people.otherSales, null, 'unassigned');
  tokens.management = (await login('Maud Manager')).token!;
  tokens.sales = (await login('Sam Sales')).token!;
  tokens.support = (await login('Paul Support')).token!;
});

test.after.always(async () => {
  await Promise.all([owner?.end(), runtime?.end()]);
  await db?.drop();
});

/** Runs work as the runtime role in a transaction handed the token, then rolls it back. */
async function asRuntime<T>(token: string | undefined, work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const connection = await runtime.connect();
  try {
    await connection.query('BEGIN');
    if (token !== undefined) await connection.query('SELECT status FROM epic_begin($1)', [token]);
    return await work(connection);
  } finally {
    await connection.query('ROLLBACK');
    connection.release();
  }
}

/** 'done' when the statement touched or returned rows, 'refused' on 42501 or zero rows. */
async function attempt(run: () => Promise<pg.QueryResult>): Promise<'done' | 'refused'> {
  try {
    const result = await run();
    return (result.rowCount ?? 0) > 0 ? 'done' : 'refused';
  } catch (error) {
    if ((error as { code?: string }).code === '42501') return 'refused';
    throw error;
  }
}

/** As asRuntime, but commits. */
async function committed<T>(token: string, work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const connection = await runtime.connect();
  try {
    await connection.query('BEGIN');
    await connection.query('SELECT status FROM epic_begin($1)', [token]);
    const result = await work(connection);
    await connection.query('COMMIT');
    return result;
  } catch (error) {
    await connection.query('ROLLBACK');
    throw error;
  } finally {
    connection.release();
  }
}

const refusal = { code: '42501' };

// ---------------------------------------------------------------------------------------------
// Without a valid token
// ---------------------------------------------------------------------------------------------

const WRITES: [string, (r: Records) => [string, unknown[]]][] = [
  ['insert a client', () => [`INSERT INTO clients ("fullName", email, phone, "salesContactId", "createdAt", "updatedAt") VALUES ('X', 'x@x.test', '+33612345678', $1, now(), now())`, [people.sales]]],
  ['update a client', (r) => ['UPDATE clients SET "companyName" = $2 WHERE id = $1', [r.client, 'Hacked']]],
  ['delete a client', (r) => ['DELETE FROM clients WHERE id = $1', [r.bareClient]]],
  ['insert a contract', (r) => [`INSERT INTO contracts ("clientId", "totalAmount", "amountDue", signed, "createdAt", "updatedAt") VALUES ($1, 1, 1, false, now(), now())`, [r.client]]],
  ['update a contract', (r) => ['UPDATE contracts SET "amountDue" = 0 WHERE id = $1', [r.contract]]],
  ['delete a contract', (r) => ['DELETE FROM contracts WHERE id = $1', [r.unsignedContract]]],
  ['insert an event', (r) => [`INSERT INTO events (name, "contractId", "startsAt", "endsAt", location, attendees, "createdAt", "updatedAt") VALUES ('X', $1, now(), now() + interval '1 hour', 'X', 1, now(), now())`, [r.freeContract]]],
  ['update an event', (r) => ['UPDATE events SET notes = $2 WHERE id = $1', [r.event, 'hacked']]],
  ['delete an event', (r) => ['DELETE FROM events WHERE id = $1', [r.event]]],
  ['insert a collaborator', () => [`INSERT INTO collaborators ("fullName", email, role, "createdAt", "updatedAt") VALUES ('X', 'x@x.test', 'management', now(), now())`, []]],
  ['update a collaborator', () => ['UPDATE collaborators SET "fullName" = $2 WHERE id = $1', [people.manager, 'Hacked']]],
  ['delete a collaborator', (r) => ['DELETE FROM collaborators WHERE id = $1', [r.collaborator]]],
];

/** The SECURITY DEFINER searches (migration 20261130000300), each finding something for a valid session. */
const SEARCHES = [
  "SELECT epic_ids_named('client', 'CLIENT 1')",
  "SELECT epic_ids_resembling('event', 'Evnt', '%event%', 5)",
  "SELECT epic_ids_resembling('client', 'Clien 2', '%clien 2%', 5)",
  "SELECT * FROM epic_names_starting('client', 'client%', 5)",
  "SELECT * FROM epic_names_starting('event', 'event%', 5)",
  "SELECT * FROM epic_names_starting('collaborator', '%', 5)",
  "SELECT epic_client_ids_matching('%client%', NULL)",
  "SELECT epic_client_ids_matching('%nothing like it%', '%612345678%')",
  "SELECT * FROM epic_client_search_page('%client%', NULL, NULL, 2001, 30)",
  "SELECT * FROM epic_client_search_page('%nothing like it%', '%612345678%', NULL, 5, 2)",
];

async function assertBlind(t: import('ava').ExecutionContext, token: string | undefined): Promise<void> {
  await asRuntime(token, async (c) => {
    for (const table of ['collaborators', 'clients', 'contracts', 'events']) {
      t.is((await c.query(`SELECT id FROM ${table}`)).rowCount, 0, `${table} is empty to it`);
    }
    t.is((await c.query('SELECT 1 FROM collaborator_contacts')).rowCount, 0, 'collaborator_contacts is empty to it');
    t.is((await c.query('SELECT epic_actor_id() AS id')).rows[0].id, null);
    for (const sql of SEARCHES) t.is((await c.query(sql)).rowCount, 0, `${sql} finds nothing`);
  });
  for (const [what, statement] of WRITES) {
    const [sql, values] = statement(records.own);
    t.is(await asRuntime(token, (c) => attempt(() => c.query(sql, values))), 'refused', what);
  }
}

test('without a token nothing is visible and every write is refused', async (t) => {
  await assertBlind(t, undefined);
});

test('the searches by name and text find for every role what its policies let it read, through indexes', async (t) => {
  for (const role of ['management', 'sales', 'support'] as Role[]) {
    await asRuntime(tokens[role], async (c) => {
      for (const sql of SEARCHES) t.true(((await c.query(sql)).rowCount ?? 0) > 0, `${role}: ${sql}`);
      const named = await c.query(`SELECT id FROM clients WHERE id IN (SELECT epic_ids_named('client', 'client 1'))`);
      t.deepEqual(named.rows, [{ id: records.own.client }], role);
      // A condition on epic_fold or LIKE written against the table itself could only filter
      // rows the policy has let through: a full scan, whatever the indexes.
      await c.query('SET LOCAL enable_seqscan = off');
      const plan = async (sql: string) => (await c.query(`EXPLAIN ${sql}`)).rows.map((row) => row['QUERY PLAN']).join('\n');
      t.regex(await plan(`SELECT id FROM clients WHERE id IN (SELECT epic_ids_named('client', 'client 1'))`), /Index (Only )?Scan using clients_pkey/);
      t.regex(await plan(`SELECT id FROM clients WHERE epic_fold("fullName") = 'client 1'`), /Seq Scan on clients/, 'the reason the functions exist');
      t.notRegex(await plan(`SELECT c.id, s."fullName" FROM clients c JOIN collaborators s ON s.id = c."salesContactId" WHERE c.id = ${records.own.client}`), /Seq Scan on clients/);
    });
  }
});

test('collaborator names for completion are those the policy lets each role read, in folded order', async (t) => {
  await owner.query(`INSERT INTO collaborators ("fullName", email, role, "createdAt", "updatedAt") VALUES ('Nadia Nocontact', 'nadia@x.test', 'sales', now(), now())`);
  for (const role of ['management', 'sales', 'support'] as Role[]) {
    await asRuntime(tokens[role], async (c) => {
      // One statement, one snapshot: other tests add collaborators meanwhile.
      const { completed, visible } = (
        await c.query(`SELECT (SELECT array_agg(name ORDER BY ordinality) FROM epic_names_starting('collaborator', '%', 1000) WITH ORDINALITY) AS completed,
                              (SELECT array_agg("fullName" ORDER BY epic_fold("fullName") COLLATE "C") FROM collaborators) AS visible`)
      ).rows[0] as { completed: string[]; visible: string[] };
      t.deepEqual(completed, visible, role);
      t.is(completed.includes('Nadia Nocontact'), role === 'management', `${role}: a collaborator who is nobody's contact`);
      const nadia = await c.query(`SELECT name FROM epic_names_starting('collaborator', 'nadia%', 5)`);
      t.deepEqual(nadia.rows.map((row) => row.name), role === 'management' ? ['Nadia Nocontact'] : [], role);
    });
  }
});

test('a made-up token is no better than none', async (t) => {
  await assertBlind(t, 'a'.repeat(64));
});

test('a logged-out token sees nothing', async (t) => {
  const { token } = await login(await newcomer('Olga Loggedout'));
  await committed(token!, (c) => c.query('SELECT epic_logout()'));
  t.is((await runtime.query('SELECT status FROM epic_begin($1)', [token])).rows[0].status, 'ended');
  await assertBlind(t, token!);
});

test('an expired token sees nothing', async (t) => {
  const { token } = await login(await newcomer('Emil Expired'));
  await owner.query(`UPDATE sessions SET "createdAt" = now() - interval '13 hours', "expiresAt" = now() - interval '1 hour' WHERE "tokenHash" = encode(sha256(convert_to($1, 'UTF8')), 'hex')`, [token]);
  t.is((await runtime.query('SELECT status FROM epic_begin($1)', [token])).rows[0].status, 'expired');
  await assertBlind(t, token!);
});

test('an idle token sees nothing', async (t) => {
  const { token } = await login(await newcomer('Ida Idle'));
  await owner.query(`UPDATE sessions SET "lastUsedAt" = now() - interval '31 minutes' WHERE "tokenHash" = encode(sha256(convert_to($1, 'UTF8')), 'hex')`, [token]);
  t.is((await runtime.query('SELECT status FROM epic_begin($1)', [token])).rows[0].status, 'idle');
  await assertBlind(t, token!);
});

// ---------------------------------------------------------------------------------------------
// With a salesperson's token: another salesperson's records stay out of reach
// ---------------------------------------------------------------------------------------------

test("with a sales token, another salesperson's client, contract and event cannot be changed or deleted", async (t) => {
  const other = records.other;
  const attacks: [string, unknown[]][] = [
    ['UPDATE clients SET "companyName" = \'Hacked\' WHERE id = $1', [other.client]],
    ['UPDATE clients SET "salesContactId" = $2 WHERE id = $1', [other.client, people.sales]],
    ['DELETE FROM clients WHERE id = $1', [other.bareClient]],
    ['UPDATE contracts SET "amountDue" = 0 WHERE id = $1', [other.contract]],
    ['UPDATE contracts SET signed = true, "signedAt" = now() WHERE id = $1', [other.unsignedContract]],
    ['DELETE FROM contracts WHERE id = $1', [other.unsignedContract]],
    ['UPDATE events SET notes = \'hacked\' WHERE id = $1', [other.event]],
    ['DELETE FROM events WHERE id = $1', [other.event]],
    [`INSERT INTO clients ("fullName", email, phone, "salesContactId", "createdAt", "updatedAt") VALUES ('X', 'x@x.test', '+33612345678', $1, now(), now())`, [people.otherSales]],
    [`INSERT INTO events (name, "contractId", "startsAt", "endsAt", location, attendees, "createdAt", "updatedAt") VALUES ('X', $1, now(), now() + interval '1 hour', 'X', 1, now(), now())`, [other.freeContract]],
  ];
  for (const [sql, values] of attacks) {
    // Committed, so that whatever got through would show below.
    await committed(tokens.sales, async (c) => t.is(await attempt(() => c.query(sql, values)), 'refused', sql));
  }
  const after = await owner.query(
    `SELECT (SELECT count(*) FROM clients WHERE "companyName" = 'Hacked' OR "salesContactId" = $2 AND id = $1)::int AS hacked,
            (SELECT count(*) FROM contracts WHERE id IN ($3, $4) AND "amountDue" = 400 AND NOT (id = $4 AND signed))::int AS contracts,
            (SELECT count(*) FROM events WHERE id = $5 AND notes IS NULL)::int AS events`,
    [other.client, people.sales, other.contract, other.unsignedContract, other.event],
  );
  t.deepEqual(after.rows[0], { hacked: 0, contracts: 2, events: 1 });
});

// ---------------------------------------------------------------------------------------------
// What no token makes possible
// ---------------------------------------------------------------------------------------------

const FORBIDDEN: [string, string][] = [
  ['promote by UPDATE', `UPDATE collaborators SET role = 'management'`],
  ['forge a session', `INSERT INTO sessions ("tokenHash", "collaboratorId", "createdAt", "lastUsedAt", "expiresAt") VALUES (repeat('0', 64), 1, now(), now(), now() + interval '1 hour')`],
  ['read sessions', 'SELECT * FROM sessions'],
  ['read password hashes', 'SELECT "passwordHash" FROM collaborators'],
  ['read lock-out counters', 'SELECT "failedLoginCount" FROM collaborators'],
  ['read the security policy', 'SELECT * FROM security_policy'],
  ['run a program', `COPY collaborators (id) TO PROGRAM 'id'`],
  ['create a table', 'CREATE TABLE stolen (secret text)'],
  ['create a function', `CREATE FUNCTION public.epic_actor_id(x int) RETURNS int LANGUAGE sql AS 'SELECT 1'`],
  ['alter a table', 'ALTER TABLE clients ADD COLUMN note text'],
  ['become the owner', `SET ROLE OWNER_ROLE`],
  ['empty a table', 'TRUNCATE clients CASCADE'],
  ['disable row-level security', 'ALTER TABLE clients DISABLE ROW LEVEL SECURITY'],
  ['drop a policy', 'DROP POLICY runtime_select ON clients'],
  ['call an internal function', `SELECT epic_check_password(1, 'guess')`],
  ["set a client's last contact, which the contact log's trigger keeps", `UPDATE clients SET "lastContactAt" = now()`],
  ['set it through the trigger\'s function', `SELECT epic_set_last_contact(1)`],
  ["read clients through the search's sample", `SELECT * FROM epic_client_index_grams('%a b c d%', NULL)`],
  ["read clients past the policies through the search's candidates", `SELECT * FROM epic_client_candidates(NULL, NULL, NULL)`],
  ["run the search's check, which only the search functions run now", `SELECT epic_client_matches('a', '+33600000000', '%a%', NULL)`],
];

for (const [what, sql] of FORBIDDEN) {
  test(`even a manager's token cannot ${what}`, async (t) => {
    const ownerRole = new URL(db.ownerUrl).username;
    await asRuntime(tokens.management, async (c) => {
      await t.throwsAsync(c.query(sql.replace('OWNER_ROLE', ownerRole)), refusal);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The whole permission table, as SQL against the policies
// ---------------------------------------------------------------------------------------------

const ROLES: Role[] = ['management', 'sales', 'support'];
const TARGETS: Target[] = ['own', 'other', 'unassigned'];

/** What each action is in SQL, on the records of one target. */
function statementOf(action: Action, r: Records): [string, unknown[]] {
  switch (action) {
    case 'collaborator.list':
    case 'collaborator.show':
      return ['SELECT id, "fullName", email, role, "lockedUntil" FROM collaborators WHERE id = $1', [r.collaborator]];
    case 'collaborator.create':
      return [`INSERT INTO collaborators ("fullName", email, role, "createdAt", "updatedAt") VALUES ('New Hire', 'hire@epic.test', 'support', now(), now())`, []];
    case 'collaborator.update':
      return [`UPDATE collaborators SET "fullName" = 'Renamed' WHERE id = $1`, [r.collaborator]];
    case 'collaborator.delete':
      return ['DELETE FROM collaborators WHERE id = $1', [r.collaborator]];
    case 'collaborator.reset-password':
      return [`SELECT FROM epic_set_password($1, 'a brand new passphrase', NULL) AS outcome WHERE outcome = 'ok'`, [r.collaborator]];
    case 'client.list':
    case 'client.show':
      return ['SELECT c.id, s."fullName" FROM clients c JOIN collaborators s ON s.id = c."salesContactId" WHERE c.id = $1', [r.client]];
    case 'client.create':
      return [`INSERT INTO clients ("fullName", email, phone, "salesContactId", "createdAt", "updatedAt") VALUES ('New', 'new@example.test', '+33612345678', $1, now(), now())`, [people.sales]];
    case 'client.update':
      return [`UPDATE clients SET "companyName" = 'Renamed' WHERE id = $1`, [r.client]];
    case 'client.delete':
      return ['DELETE FROM clients WHERE id = $1', [r.bareClient]];
    case 'client.reassign':
      return [`UPDATE clients SET "salesContactId" = CASE WHEN "salesContactId" = $2 THEN $3 ELSE $2 END WHERE id = $1`, [r.client, people.sales, people.otherSales]];
    case 'contract.list':
    case 'contract.show':
      return ['SELECT k.id, c."fullName", s."fullName" FROM contracts k JOIN clients c ON c.id = k."clientId" JOIN collaborators s ON s.id = c."salesContactId" WHERE k.id = $1', [r.contract]];
    case 'contract.create':
      return [`INSERT INTO contracts ("clientId", "totalAmount", "amountDue", signed, "createdAt", "updatedAt") VALUES ($1, 500, 500, false, now(), now())`, [r.client]];
    case 'contract.update':
      return ['UPDATE contracts SET "totalAmount" = "totalAmount" + 1 WHERE id = $1', [r.contract]];
    case 'contract.sign':
      return ['UPDATE contracts SET signed = true, "signedAt" = now() WHERE id = $1', [r.unsignedContract]];
    case 'contract.pay':
      return ['UPDATE contracts SET "amountDue" = "amountDue" - 100 WHERE id = $1', [r.contract]];
    case 'contract.delete':
      return ['DELETE FROM contracts WHERE id = $1', [r.unsignedContract]];
    case 'event.list':
    case 'event.show':
    // The agenda reads what the lists read.
    case 'agenda.show':
      return ['SELECT e.id, s."fullName" FROM events e LEFT JOIN collaborators s ON s.id = e."supportContactId" WHERE e.id = $1 AND (e."supportContactId" IS NULL OR s.id IS NOT NULL)', [r.event]];
    case 'event.create':
      return [`INSERT INTO events (name, "contractId", "startsAt", "endsAt", location, attendees, "createdAt", "updatedAt") VALUES ('New event', $1, now(), now() + interval '1 hour', 'Nice', 10, now(), now())`, [r.freeContract]];
    case 'event.update':
      return [`UPDATE events SET notes = 'Bring chairs', attendees = attendees + 1 WHERE id = $1`, [r.event]];
    case 'event.assign':
      return [`UPDATE events SET "supportContactId" = CASE WHEN "supportContactId" = $2 THEN $3 ELSE $2 END WHERE id = $1`, [r.event, people.support, people.otherSupport]];
    case 'event.unassign':
      return [`UPDATE events SET "supportContactId" = NULL WHERE id = $1`, [r.event]];
    case 'event.delete':
      return ['DELETE FROM events WHERE id = $1', [r.event]];
    // History rows exist for every fixture: the owner's inserts were recorded too.
    case 'client.history':
      return [`SELECT id FROM history WHERE "recordTable" = 'clients' AND "recordId" = $1`, [r.client]];
    case 'contract.history':
      return [`SELECT id FROM history WHERE "recordTable" = 'contracts' AND "recordId" = $1`, [r.contract]];
    case 'event.history':
      return [`SELECT id FROM history WHERE "recordTable" = 'events' AND "recordId" = $1`, [r.event]];
    case 'collaborator.history':
      return [`SELECT id FROM history WHERE "recordTable" = 'collaborators' AND "recordId" = $1`, [r.collaborator]];
    // What the database can withhold of one person's activity: their changes to accounts (the
    // rest is each record's history, which everyone logged in may read).
    case 'collaborator.activity':
      return [`SELECT id FROM history WHERE "recordTable" = 'collaborators' AND "actorId" IS NULL`, []];
    case 'client.contact':
      return [`INSERT INTO client_contacts ("clientId", "collaboratorId", "at", note) VALUES ($1, (SELECT epic_actor_id()), now(), 'Called')`, [r.client]];
    case 'client.contacts':
      return ['SELECT id FROM client_contacts WHERE "clientId" = $1', [r.client]];
    // An export runs as the owner; what the database checks there is the acting session's role.
    case 'database.export':
      return ['SELECT epic_require_manager()', []];
  }
}

test('the policies walk the whole permission table: role × action × own/other/unassigned', async (t) => {
  const cells: string[] = [];
  for (const action of ACTIONS) {
    for (const role of ROLES) {
      for (const target of TARGETS) {
        const expected = SPEC[action][role]?.includes(target) ? 'done' : 'refused';
        const [sql, values] = statementOf(action, records[target]);
        const got = await asRuntime(tokens[role], (c) => attempt(() => c.query(sql, values)));
        if (got !== expected) cells.push(`${role} ${action} ${target}: ${got}, expected ${expected}`);
      }
    }
  }
  t.deepEqual(cells, [], 'every cell as the permission table says');
  t.is(ACTIONS.length, Object.keys(SPEC).length);
});

// ---------------------------------------------------------------------------------------------
// Login, lock-out and passwords
// ---------------------------------------------------------------------------------------------

async function account(name: string): Promise<{ failedLoginCount: number; lockedUntil: Date | null; passwordHash: string }> {
  return (await owner.query('SELECT "failedLoginCount", "lockedUntil", "passwordHash" FROM collaborators WHERE email = $1', [emailOf(name)])).rows[0];
}

test('a $2b$ hash of the npm bcrypt package verifies, and is rehashed at the policy cost', async (t) => {
  const name = 'Rita Rehash';
  await person(name, 'sales');
  t.regex((await account(name)).passwordHash, /^\$2b\$10\$/);
  await owner.query('UPDATE security_policy SET "bcryptCost" = 11');
  try {
    t.is((await login(name)).outcome, 'ok');
    const rehashed = (await account(name)).passwordHash;
    t.regex(rehashed, /^\$2a\$11\$/);
    t.true(await bcrypt.compare(PASSWORD, rehashed), 'still a standard bcrypt hash');
    t.is((await login(name)).outcome, 'ok');
    t.is((await login(name, 'not the password at all')).outcome, 'failed');
  } finally {
    await owner.query('UPDATE security_policy SET "bcryptCost" = 10');
  }
});

test('every fifth failure locks for 15 minutes; attempts while locked do not count; success unlocks', async (t) => {
  const name = 'Lola Lockout';
  await person(name, 'sales');
  for (let i = 1; i <= 4; i++) t.is((await login(name, `wrong ${i}`)).outcome, 'failed');
  t.like(await account(name), { failedLoginCount: 4, lockedUntil: null });
  t.is((await login(name, 'wrong 5')).outcome, 'failed');
  const locked = await account(name);
  t.is(locked.failedLoginCount, 5, 'the count goes on when the lock starts');
  const minutes = (locked.lockedUntil!.getTime() - Date.now()) / 60_000;
  t.true(minutes > 14 && minutes <= 15, `locked for ${minutes} minutes`);
  const right = await login(name);
  t.like(right, { outcome: 'locked', token: null });
  t.deepEqual(right.locked_until, locked.lockedUntil);
  t.is((await login(name, 'wrong 6')).outcome, 'failed');
  t.is((await account(name)).failedLoginCount, 5, 'attempts while locked do not count');
  // Time passes: the lock ends.
  await owner.query(`UPDATE collaborators SET "lockedUntil" = now() - interval '1 second' WHERE email = $1`, [emailOf(name)]);
  t.is((await login(name)).outcome, 'ok');
  t.like(await account(name), { failedLoginCount: 0, lockedUntil: null });
});

test('the 100th consecutive failure locks until a manager sets a new password', async (t) => {
  const name = 'Hugo Hundred';
  const id = await person(name, 'support');
  await owner.query('UPDATE collaborators SET "failedLoginCount" = 99 WHERE id = $1', [id]);
  t.is((await login(name, 'wrong again')).outcome, 'failed');
  const locked = await account(name);
  t.is(locked.failedLoginCount, 100);
  t.is(Number(locked.lockedUntil), Infinity);
  t.like(await login(name), { outcome: 'locked' });
  // Only a manager lifts it, by setting a new password.
  const outcome = await committed(tokens.management, (c) => c.query(`SELECT epic_set_password($1, 'a fresh start passphrase', NULL) AS outcome`, [id]));
  t.is(outcome.rows[0].outcome, 'ok');
  t.like(await login(name, 'a fresh start passphrase'), { outcome: 'ok' });
  t.like(await account(name), { failedLoginCount: 0, lockedUntil: null });
});

test('epic_set_role refuses non-managers, a wrong password, and changes that would break the rules', async (t) => {
  const roleChange = (token: string, who: number, role: string, password: string | null) =>
    asRuntime(token, async (c) => (await c.query('SELECT epic_set_role($1, $2, $3) AS outcome', [who, role, password])).rows[0].outcome);
  await t.throwsAsync(roleChange(tokens.sales, people.sales, 'management', PASSWORD), refusal);
  await t.throwsAsync(roleChange(tokens.support, people.support, 'management', PASSWORD), refusal);
  t.is(await roleChange(tokens.management, people.otherSupport, 'sales', 'not my password'), 'failed');
  await t.throwsAsync(roleChange(tokens.management, people.sales, 'support', PASSWORD), { code: '23514', message: /sales contact of clients/ });
  await t.throwsAsync(roleChange(tokens.management, people.support, 'sales', PASSWORD), { code: '23514', message: /future events/ });
  // Two managers: demoting one is fine, demoting the last is not.
  await asRuntime(tokens.management, async (c) => {
    t.is((await c.query('SELECT epic_set_role($1, $2, $3) AS outcome', [people.otherManager, 'support', PASSWORD])).rows[0].outcome, 'ok');
    await t.throwsAsync(c.query('SELECT epic_set_role($1, $2, $3)', [people.manager, 'sales', PASSWORD]), { code: '23514', message: /last manager/ });
  });
});

test('a role change ends the sessions of the collaborator it changes', async (t) => {
  const id = await person('Vera Variable', 'support');
  const { token } = await login('Vera Variable');
  const changed = await committed(tokens.management, (c) => c.query('SELECT epic_set_role($1, $2, $3) AS outcome', [id, 'sales', PASSWORD]));
  t.is(changed.rows[0].outcome, 'ok');
  t.is((await runtime.query('SELECT status FROM epic_begin($1)', [token])).rows[0].status, 'ended');
});

test('a reading command: epic_begin(token, true) makes the transaction read-only, locks nothing and writes lastUsedAt only when it is a twentieth of the idle limit old', async (t) => {
  const id = await person('Rita Reader', 'sales');
  const { token } = await login('Rita Reader');
  const lastUsed = async () => (await owner.query(`SELECT "lastUsedAt" AS at FROM sessions WHERE "collaboratorId" = $1`, [id])).rows[0].at as Date;
  const setLastUsed = (ago: string) => owner.query(`UPDATE sessions SET "lastUsedAt" = now() - $2::interval WHERE "collaboratorId" = $1`, [id, ago]);
  const reader = await runtime.connect();
  try {
    await reader.query('BEGIN');
    t.is((await reader.query('SELECT status FROM epic_begin($1, true)', [token])).rows[0].status, 'ok');
    t.is((await reader.query('SHOW transaction_read_only')).rows[0].transaction_read_only, 'on');
    t.is((await reader.query('SELECT epic_actor_id() AS id')).rows[0].id, id, 'the session is the acting one');
    // The collaborator's row is not locked: a role change need not wait for a list.
    t.is((await owner.query('SELECT id FROM collaborators WHERE id = $1 FOR UPDATE NOWAIT', [id])).rowCount, 1);
    await reader.query('SAVEPOINT probe');
    await t.throwsAsync(reader.query('SET transaction_read_only = off'), { code: '25001' });
    await reader.query('ROLLBACK TO SAVEPOINT probe');
    await t.throwsAsync(reader.query(`UPDATE clients SET "companyName" = 'x' WHERE "salesContactId" = $1`, [id]), { code: '25006' });
    await reader.query('ROLLBACK');
    // 30 idle minutes: a use within the last 90 s is not written again by a read; an older one is.
    const read = async () => {
      await reader.query('BEGIN');
      t.is((await reader.query('SELECT status FROM epic_begin($1, true)', [token])).rows[0].status, 'ok');
      await reader.query('COMMIT');
    };
    await setLastUsed('60 seconds');
    const before = await lastUsed();
    await read();
    t.is((await lastUsed()).getTime(), before.getTime(), 'a minute-old use is not written by a read');
    await setLastUsed('100 seconds');
    await read();
    t.true(Date.now() - (await lastUsed()).getTime() < 60_000, 'an older one is');
  } finally {
    reader.release();
  }
  // A command that writes still locks its collaborator and writes the use at once.
  const writer = await runtime.connect();
  try {
    await setLastUsed('10 seconds');
    await writer.query('BEGIN');
    await writer.query('SELECT status FROM epic_begin($1)', [token]);
    t.is((await writer.query('SHOW transaction_read_only')).rows[0].transaction_read_only, 'off');
    await t.throwsAsync(owner.query('SELECT id FROM collaborators WHERE id = $1 FOR UPDATE NOWAIT', [id]), { code: '55P03' });
    await writer.query('COMMIT');
    t.true(Date.now() - (await lastUsed()).getTime() < 5_000);
  } finally {
    writer.release();
  }
});

// ---------------------------------------------------------------------------------------------
// Performance: the actor is resolved once per statement
// ---------------------------------------------------------------------------------------------

test('policies resolve the acting collaborator once per statement (an init plan), not once per row', async (t) => {
  const plan = await asRuntime(tokens.sales, async (c) =>
    (await c.query('EXPLAIN (VERBOSE, COSTS OFF) SELECT * FROM clients')).rows.map((row) => row['QUERY PLAN']).join('\n'),
  );
  t.regex(plan, /InitPlan/);
  t.is(plan.match(/epic_actor_id\(\)/g)?.length, 1, plan);
});

// ---------------------------------------------------------------------------------------------
// Races, with two connections
// ---------------------------------------------------------------------------------------------


test('a role change waits for a client being created for that salesperson, then refuses', async (t) => {
  const id = await person('Rene Race', 'sales');
  const { token } = await login('Rene Race');
  const creating = await runtime.connect();
  try {
    await creating.query('BEGIN');
    await creating.query('SELECT epic_begin($1)', [token]);
    await creating.query(
      `INSERT INTO clients ("fullName", email, phone, "salesContactId", "createdAt", "updatedAt") VALUES ('Race', 'race@example.test', '+33612345678', $1, now(), now())`,
      [id],
    );
    // The manager's role change must wait for the client's transaction...
    let settled = false;
    const change = committed(tokens.management, (c) => c.query('SELECT epic_set_role($1, $2, $3)', [id, 'support', PASSWORD])).finally(() => (settled = true));
    change.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500));
    t.false(settled, 'the role change waits');
    await creating.query('COMMIT');
    // ...and then sees the client.
    await t.throwsAsync(change, { code: '23514', message: /sales contact of clients/ });
  } finally {
    creating.release();
  }
  t.deepEqual((await owner.query('SELECT role FROM collaborators WHERE id = $1', [id])).rows, [{ role: 'sales' }]);
});

// Serial, and before the concurrent tests: it adds a manager for the time it runs, and other tests count managers.
test.serial('a client created while its salesperson becomes support waits, then is refused', async (t) => {
  const id = await person('Sacha Switch', 'sales');
  // Another manager reassigns: with the same token, the wait would be for the session's row.
  const reassigner = await person('Mira Reassigner', 'management');
  const { token: otherManager } = await login('Mira Reassigner');
  const manager = await runtime.connect();
  const reassigning = await runtime.connect();
  try {
    await manager.query('BEGIN');
    await manager.query('SELECT epic_begin($1)', [tokens.management]);
    t.is((await manager.query('SELECT epic_set_role($1, $2, $3) AS outcome', [id, 'support', PASSWORD])).rows[0].outcome, 'ok');
    // A manager reassigning a client to that collaborator meanwhile must wait, then fail.
    await reassigning.query('BEGIN');
    await reassigning.query('SELECT epic_begin($1)', [otherManager]);
    const pid = (await reassigning.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    const reassign = reassigning.query('UPDATE clients SET "salesContactId" = $1 WHERE id = $2', [id, records.other.client]);
    reassign.catch(() => undefined);
    // Asked as the superuser: only it sees what another role's connection waits for.
    const blocked = await withAdmin(await serverUrl(), async (admin) => {
      for (let tries = 0; tries < 500; tries++) {
        const { rows } = await admin.query(`SELECT query FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'`, [pid]);
        if (rows.length) return rows[0].query as string;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return undefined;
    });
    t.regex(blocked ?? '', /^UPDATE clients/, 'the reassignment waits for the role change');
    await manager.query('COMMIT');
    await t.throwsAsync(reassign, { code: '23514', message: /must be a sales collaborator/ });
    await reassigning.query('ROLLBACK');
  } finally {
    manager.release();
    reassigning.release();
    // No longer a manager once done (the owner's writes pass the runtime role's triggers).
    await owner.query(`UPDATE collaborators SET role = 'support' WHERE id = $1`, [reassigner]);
  }
  t.deepEqual((await owner.query('SELECT count(*)::int AS n FROM clients WHERE "salesContactId" = $1', [id])).rows, [{ n: 0 }]);
});
