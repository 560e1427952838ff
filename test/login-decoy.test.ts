import anyTest, { type TestFn } from 'ava';
import bcrypt from 'bcrypt';
import pg from 'pg';
import { AuthenticationFailed } from '../lib/errors';
import { logIn, loginFailedMessage } from '../lib/services/auth';
import { freshDatabase, serverUrl, withAdmin } from './helpers/database';
import { buildWorld, insertCollaborator, PASSWORD, type World } from './helpers/world';

/**
 * An unknown email must cost what a wrong password costs, or the time of an answer tells an
 * attacker which emails are staff. Instead of comparing durations (which a loaded machine
 * distorts; `npm run bench:login` measures them), this counts the work: with PostgreSQL's
 * function statistics on, the functions a failed login calls — bcrypt's `crypt` above all —
 * are the same, the same number of times, for an unknown email as for a known one with a
 * wrong password, and the decoy hash an unknown email is checked against has the cost of
 * real ones. One call differs, on purpose: a known account's failure count is a change of the
 * account, so its history trigger records it (a fraction of a millisecond, `npm run
 * bench:history`, beside bcrypt's tens); an unknown email only counts in the policy row.
 */
const test = anyTest as TestFn<{ w: World }>;

test.before(async (t) => {
  const w = await buildWorld(await freshDatabase());
  // track_functions may be set by a superuser only; for this database's runtime role alone.
  await withAdmin(await serverUrl(), (admin) => admin.query(`ALTER ROLE ${w.db.runtimeRole} IN DATABASE ${w.db.name} SET track_functions = 'all'`));
  t.context = { w };
});
test.after.always(async (t) => {
  await t.context.w?.db.drop();
});

/** The functions one epic_login called, with their call counts, in a transaction rolled back after. */
async function functionsCalledBy(url: string, email: string, password: string): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query('SELECT outcome FROM epic_login($1, $2)', [email, password]);
    if (rows[0].outcome !== 'failed') throw new Error(`expected a failed login, got ${rows[0].outcome}`);
    const calls = await client.query<{ funcname: string; calls: string }>('SELECT funcname, calls FROM pg_stat_xact_user_functions ORDER BY funcname');
    await client.query('ROLLBACK');
    return Object.fromEntries(calls.rows.map((row) => [row.funcname, Number(row.calls)]));
  } finally {
    await client.end();
  }
}

test('a failed login does the same password work for an unknown email as for a wrong password', async (t) => {
  const { w } = t.context;
  const [{ cost }] = (await w.db.owner.query('SELECT "bcryptCost" AS cost FROM security_policy', { type: 'SELECT' })) as { cost: number }[];
  const account = await insertCollaborator(w.db, { fullName: 'Tim Timing', email: 'timing@epic.test', role: 'support', passwordHash: await bcrypt.hash(PASSWORD, cost) });

  const unknown = await functionsCalledBy(w.db.url, 'nobody@epic.test', 'a wrong password');
  const wrong = await functionsCalledBy(w.db.url, account.email, 'a wrong password');
  t.is(unknown.crypt, 1, JSON.stringify(unknown));
  const { epic_record_history: history, ...wrongWithoutHistory } = wrong;
  t.is(history, 1);
  t.deepEqual(unknown, wrongWithoutHistory);
});

test('the decoy hash has the cost of the hashes it stands for', async (t) => {
  const [policy] = (await t.context.w.db.owner.query('SELECT "bcryptCost" AS cost, "decoyHash" AS decoy FROM security_policy', { type: 'SELECT' })) as { cost: number; decoy: string }[];
  t.regex(policy.decoy, /^\$2[aby]\$\d\d\$/);
  t.is(Number(policy.decoy.slice(4, 6)), policy.cost);
});

test('through the login service, both failures read the same', async (t) => {
  const { w } = t.context;
  const account = await insertCollaborator(w.db, { fullName: 'Tess Timing', email: 'tess@epic.test', role: 'support' });
  const failed = loginFailedMessage({ maxFailedLogins: 5, lockMinutes: 15 });
  for (const email of ['nobody@epic.test', account.email]) {
    const error = await t.throwsAsync(logIn({ sequelize: w.db.sequelize, clock: w.clock }, email, 'wrong password entirely'), { instanceOf: AuthenticationFailed });
    t.is(error?.message, failed);
  }
});
