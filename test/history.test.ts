import anyTest, { type TestFn } from 'ava';
import { format, subDays } from 'date-fns';
import pg from 'pg';
import { QueryTypes } from 'sequelize';
import { changePassword, logIn } from '../lib/services/auth';
import { resetPassword } from '../lib/services/collaborators';
import { cryptoTokens } from '../lib/services/settings';
import { loggedInShell, parseTsv, runOk, type ShellHarness } from './helpers/shell';
import { worldPerFile, PASSWORD, type World } from './helpers/world';

/** Record history: written by the database in the verified actor's name, read through the commands. */
const test = anyTest as TestFn<{ w: World }>;

// Dates are shown in local time: a zone away from UTC shows that they are converted.
process.env.TZ = 'Europe/Paris';

worldPerFile(test);

type Entry = { at: string; by: string | null; record?: string; action: string; field: string | null; old: unknown; new: unknown };

const shellOf = (w: World, email: string) => loggedInShell(w.db, w.clock, email);

const json = async (shell: ShellHarness, line: string): Promise<Entry[]> => JSON.parse(await runOk(shell, `${line} --format json --all`));
const change = (entries: Entry[], field: string) => entries.find((e) => e.field === field);

async function rawHistory(w: World): Promise<Record<string, unknown>[]> {
  return w.db.owner.query('SELECT * FROM history ORDER BY id', { type: QueryTypes.SELECT });
}

test.serial('a salesperson edit, a manager reassignment, contract and event changes name their actor and read as people read them', async (t) => {
  const { w } = t.context;
  const sam = await shellOf(w, 'sam@epic.test');
  const maud = await shellOf(w, 'maud@epic.test');
  await runOk(sam, 'client update Kevin Casey --company Casey & Co --phone 06 11 22 33 44');
  await runOk(sam, 'event update Casey Launch Party --start 2026-07-02 18:00 --end 2026-07-03 01:00');
  await runOk(maud, `contract update ${w.ownSigned.id} --total 12000.50`);
  await runOk(sam, `contract sign ${w.ownUnsigned.id}`);
  await runOk(maud, 'event assign Durand Gala --support Pia Support');
  await runOk(maud, 'client reassign Kevin Casey --to Sonia Sales');

  const client = await json(sam, 'client history Kevin Casey');
  t.deepEqual(client.map((e) => [e.by, e.action, e.field]), [
    ['Maud Manager', 'changed', 'sales contact'],
    ['Sam Sales', 'changed', 'company'],
    ['Sam Sales', 'changed', 'phone'],
    // The world was written by the owner account: no collaborator acted.
    [null, 'created', 'company'],
    [null, 'created', 'email'],
    [null, 'created', 'name'],
    [null, 'created', 'phone'],
    [null, 'created', 'sales contact'],
  ]);
  t.like(change(client, 'sales contact'), { old: 'Sam Sales', new: 'Sonia Sales' });
  t.like(change(client, 'company'), { old: 'Cool Startup LLC', new: 'Casey & Co' });
  t.like(change(client, 'phone'), { old: '+33612345678', new: '+33611223344' });

  const contract = await json(maud, `contract history ${w.ownSigned.id}`);
  t.like(contract[0], { by: 'Maud Manager', action: 'changed', field: 'total €', old: '10000.00', new: '12000.50' });
  const signed = await json(maud, `contract history ${w.ownUnsigned.id}`);
  t.like(change(signed, 'signed'), { by: 'Sam Sales', old: false, new: true });
  t.is(change(signed, 'signed at')?.new, w.clock.now().toISOString());

  const gala = await json(maud, 'event history Durand Gala');
  t.like(gala[0], { by: 'Maud Manager', field: 'support', old: null, new: 'Pia Support' });
  // Tables and TSV show local dates: 16:00 UTC is 18:00 in Paris in July.
  const launch = parseTsv(await runOk(sam, 'event history Casey Launch Party --format tsv'));
  t.like(launch.find((r) => r.field === 'start'), { by: 'Sam Sales', action: 'changed', old: '2026-07-01 18:00', new: '2026-07-02 18:00' });
});

test.serial('newest first, --limit and --all, in every format', async (t) => {
  const { w } = t.context;
  const sam = await shellOf(w, 'sam@epic.test');
  await runOk(sam, 'client update Olivia Prospect --company First');
  await runOk(sam, 'client update Olivia Prospect --company Second');
  sam.stdout.clear();
  sam.stderr.clear();
  t.is(await sam.run('client history Olivia Prospect --limit 1 --format tsv'), 0);
  t.deepEqual(parseTsv(sam.stdout.text()).map((r) => [r.by, r.field, r.old, r.new]), [['Sam Sales', 'company', 'First', 'Second']]);
  t.regex(sam.stderr.text(), /showing 1 of 6/);
  t.is((await json(sam, 'client history Olivia Prospect')).length, 6);

  const csv = await runOk(sam, 'client history Olivia Prospect --limit 2 --format csv');
  t.deepEqual(csv.split('\r\n').slice(0, 3).map((line) => line.split(',').slice(1)), [
    ['by', 'action', 'field', 'old', 'new'],
    ['Sam Sales', 'changed', 'company', 'First', 'Second'],
    ['Sam Sales', 'changed', 'company', '', 'First'],
  ]);
  const table = await runOk(sam, 'client history Olivia Prospect --limit 2 --format table');
  t.regex(table.split('\n')[0], /When\s+By\s+Change\s+Field\s+From\s+To/);
  t.regex(table.split('\n')[1], /^\d{4}-\d\d-\d\d \d\d:\d\d\s+Sam Sales\s+changed\s+company\s+First\s+Second/);
});

test.serial('passwords are recorded as changed, never their hash; lock-out counters and re-hashing at login are not recorded', async (t) => {
  const { w } = t.context;
  const deps = { sequelize: w.db.sequelize, clock: w.clock };
  await t.throwsAsync(logIn(deps, 'pia@epic.test', 'not the password'));
  // Above the world's cost 10: this login re-hashes the same password, which is no change of it.
  await w.db.owner.query('UPDATE security_policy SET "bcryptCost" = 11');
  const { token } = await logIn(deps, 'pia@epic.test', PASSWORD);
  await w.db.owner.query('UPDATE security_policy SET "bcryptCost" = 10');
  const [{ passwordHash }] = await w.db.owner.query<{ passwordHash: string }>(`SELECT "passwordHash" FROM collaborators WHERE email = 'pia@epic.test'`, { type: QueryTypes.SELECT });
  t.regex(passwordHash, /^\$2a\$11\$/);
  await w.as(w.manager, (ctx) => resetPassword(ctx, 'pia@epic.test', 'a fresh one-time pass 42', { tokens: cryptoTokens }));
  await w.as(w.otherSupport, (ctx) => changePassword(ctx, 'a fresh one-time pass 42', 'her very own secret 2026'));

  const maud = await shellOf(w, 'maud@epic.test');
  const pia = await json(maud, 'collaborator history Pia Support');
  t.deepEqual(pia.map((e) => [e.by, e.action, e.field, e.old, e.new]), [
    ['Pia Support', 'changed', 'must change password', true, false],
    ['Pia Support', 'changed', 'password', null, 'changed'],
    ['Maud Manager', 'changed', 'must change password', false, true],
    ['Maud Manager', 'changed', 'password', null, 'changed'],
    [null, 'created', 'email', null, 'pia@epic.test'],
    [null, 'created', 'name', null, 'Pia Support'],
    [null, 'created', 'must change password', null, false],
    [null, 'created', 'role', null, 'support'],
  ]);
  const stored = JSON.stringify(await rawHistory(w));
  t.notRegex(stored, /\$2[aby]\$/);
  t.notRegex(stored, /passwordHash|failedLoginCount|lockedUntil|tokenHash/);
  t.false(stored.includes(token));
  for (const typed of [PASSWORD, 'a fresh one-time pass 42', 'her very own secret 2026']) t.false(stored.includes(typed), typed);
});

test.serial('a rename is recorded as the name alone, not the folded name stored beside it', async (t) => {
  const { w } = t.context;
  const sam = await shellOf(w, 'sam@epic.test');
  await runOk(sam, 'client create --name Élodie Renard --email elodie@renard.test --phone 0612121299');
  await runOk(sam, 'client update Élodie Renard --name Élodie Fox');
  const entries = await json(sam, 'client history Élodie Fox');
  t.deepEqual(
    entries.map((e) => [e.action, e.field]),
    [
      ['changed', 'name'],
      ['created', 'email'],
      ['created', 'name'],
      ['created', 'phone'],
      ['created', 'sales contact'],
    ],
  );
  t.like(change(entries, 'name'), { old: 'Élodie Renard', new: 'Élodie Fox' });
});

test.serial('deleted records keep their history, found by id', async (t) => {
  const { w } = t.context;
  const sam = await shellOf(w, 'sam@epic.test');
  await runOk(sam, 'client create --name Gone Soon --email gone@soon.test --phone 0612121212');
  const [{ id }] = parseTsv(await runOk(sam, 'client show Gone Soon --format tsv'));
  await runOk(sam, 'client delete Gone Soon --yes');
  const entries = await json(sam, `client history #${id}`);
  t.deepEqual([...new Set(entries.map((e) => `${e.by} ${e.action}`))], ['Sam Sales deleted', 'Sam Sales created']);
  t.like(change(entries, 'name'), { action: 'deleted', old: 'Gone Soon', new: null });
  t.is(await sam.run('client history Gone Soon'), 1);
  t.regex(sam.stderr.text(), /no client named "Gone Soon"/);
});

test.serial('collaborators\' history is for management only, in the database too', async (t) => {
  const { w } = t.context;
  const visible = async (email: string) =>
    withRuntime(w, email, async (client) => (await client.query(`SELECT count(*)::int AS n FROM history WHERE "recordTable" = 'collaborators'`)).rows[0].n as number);
  t.is(await visible('sam@epic.test'), 0);
  t.true((await visible('maud@epic.test')) >= 5);
});

test.serial('activity --by lists what one collaborator changed, between local dates', async (t) => {
  const { w } = t.context;
  const maud = await shellOf(w, 'maud@epic.test');
  const today = format(new Date(), 'yyyy-MM-dd');
  const yesterday = format(subDays(new Date(), 1), 'yyyy-MM-dd');
  const all = await json(maud, 'activity --by Sam Sales');
  t.true(all.length > 0);
  t.true(all.every((e) => e.by === undefined && typeof e.record === 'string'));
  t.true(all.some((e) => e.record === 'client Kevin Casey' && e.field === 'company'));
  t.deepEqual(await json(maud, `activity --by Sam Sales --since ${today} --until ${today}`), all);
  t.deepEqual(await json(maud, `activity --by Sam Sales --until ${yesterday}`), []);
  const times = all.map((e) => e.at);
  t.deepEqual(times, [...times].sort().reverse());
  await runOk(maud, 'help');
  t.regex(maud.stderr.text(), /^collaborator\n(?: {2}.*\n)* {2}activity +what one collaborator changed/m);
  t.is(await (await shellOf(w, 'sam@epic.test')).run('activity --by Sam Sales'), 4);
});

/**
 * A session of the runtime role opened with pg directly, as anyone holding its credentials
 * could: no application code between the caller and the database.
 */
async function withRuntime<T>(w: World, email: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: w.db.url });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT token FROM epic_login($1, $2)', [email, PASSWORD]);
    await client.query('BEGIN');
    await client.query('SELECT status FROM epic_begin($1)', [rows[0].token]);
    return await work(client);
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end();
  }
}

test.serial('the runtime role cannot forge, change or erase history, nor act in another name', async (t) => {
  const { w } = t.context;
  const before = await rawHistory(w);
  const refused = async (sql: string, params: unknown[] = []) =>
    withRuntime(w, 'sam@epic.test', async (client) => {
      const error = await client.query(sql, params).then(() => undefined, (e: { code?: string }) => e);
      return error?.code;
    });
  t.is(await refused(`INSERT INTO history ("actorId", "recordTable", "recordId", action, changes) VALUES ($1, 'clients', $2, 'update', '{}')`, [w.manager.id, w.ownClient.id]), '42501');
  t.is(await refused(`UPDATE history SET "actorId" = $1`, [w.manager.id]), '42501');
  t.is(await refused('DELETE FROM history'), '42501');
  t.is(await refused('TRUNCATE history'), '42501');
  t.is(await refused('ALTER TABLE history DISABLE TRIGGER ALL'), '42501');
  t.is(await refused('ALTER TABLE clients DISABLE TRIGGER clients_history'), '42501');
  t.is(await refused(`INSERT INTO client_contacts ("clientId", "collaboratorId", "at", note) VALUES ($1, $2, now(), 'in her name')`, [w.ownClient.id, w.manager.id]), '42501');
  t.deepEqual(await rawHistory(w), before);

  // A forged session name is no session: nothing changes, nothing is recorded.
  const forged = await withRuntime(w, 'sam@epic.test', async (client) => {
    await client.query(`SELECT set_config('epic.session', 'forged', true)`);
    const updated = await client.query(`UPDATE clients SET "companyName" = 'Forged' WHERE id = $1`, [w.ownProspect.id]);
    return updated.rowCount;
  });
  t.is(forged, 0);

  // A real change through the runtime role is recorded in the name of the session's collaborator.
  await withRuntime(w, 'sam@epic.test', async (client) => {
    await client.query(`UPDATE clients SET "companyName" = 'Direct' WHERE id = $1`, [w.ownProspect.id]);
    await client.query('COMMIT');
  });
  const after = await rawHistory(w);
  t.is(after.length, before.length + 1);
  t.like(after.at(-1), { actorId: w.sales.id, actorName: 'Sam Sales', recordTable: 'clients', recordId: w.ownProspect.id, action: 'update' });
});
