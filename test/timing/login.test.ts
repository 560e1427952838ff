import anyTest, { type TestFn } from 'ava';
import bcrypt from 'bcrypt';
import pg from 'pg';
import { AuthenticationFailed } from '../../lib/errors';
import { logIn, loginFailedMessage } from '../../lib/services/auth';
import { freshDatabase } from '../helpers/database';
import { buildWorld, insertCollaborator, PASSWORD, type World } from '../helpers/world';

/**
 * Login timing: an unknown email must cost what a wrong password costs, or the time of an
 * answer tells an attacker which emails are staff. `npm test` runs this folder alone, after
 * the other files, so that their CPU load does not weigh on one side of the comparison.
 */
const test = anyTest as TestFn<{ w: World; runtime: pg.Pool; owner: pg.Pool }>;

test.before(async (t) => {
  const w = await buildWorld(await freshDatabase());
  t.context = { w, runtime: new pg.Pool({ connectionString: w.db.url, max: 1 }), owner: new pg.Pool({ connectionString: w.db.ownerUrl, max: 1 }) };
});
test.after.always(async (t) => {
  await Promise.all([t.context.runtime?.end(), t.context.owner?.end()]);
  await t.context.w?.db.drop();
});

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** 20 tries each, alternating, timed in milliseconds; the account's failure count is reset after each so it never locks. */
async function timeBoth(t: { context: { owner: pg.Pool } }, email: string, attempt: (email: string) => Promise<void>) {
  const unknown: number[] = [];
  const wrong: number[] = [];
  const time = async (address: string, into: number[]) => {
    const start = process.hrtime.bigint();
    await attempt(address);
    into.push(Number(process.hrtime.bigint() - start) / 1e6);
    await t.context.owner.query('UPDATE collaborators SET "failedLoginCount" = 0 WHERE email = $1', [email]);
  };
  for (let i = 0; i < 20; i++) {
    await time('nobody@epic.test', unknown);
    await time(email, wrong);
  }
  return [median(unknown), median(wrong)];
}

let n = 0;
async function newAccount(w: World) {
  n++;
  return insertCollaborator(w.db, { fullName: `Tim Timing${n}`, email: `timing${n}@epic.test`, role: 'support', passwordHash: await bcrypt.hash(PASSWORD, 10) });
}

test.serial('through the login service: 20 tries each, medians within 10 %', async (t) => {
  const { w } = t.context;
  const account = await newAccount(w);
  const failed = loginFailedMessage({ maxFailedLogins: 5, lockMinutes: 15 });
  const [a, b] = await timeBoth(t, account.email, async (email) => {
    const error = await t.throwsAsync(logIn({ sequelize: w.db.sequelize, clock: w.clock }, email, 'wrong password entirely'), { instanceOf: AuthenticationFailed });
    t.is(error?.message, failed);
  });
  t.true(Math.abs(a - b) <= 0.1 * Math.max(a, b), `medians: unknown email ${a.toFixed(1)} ms, wrong password ${b.toFixed(1)} ms`);
});

test.serial('through epic_login with the runtime role alone: 20 tries each, medians within 10 %', async (t) => {
  const account = await newAccount(t.context.w);
  const [a, b] = await timeBoth(t, account.email, async (email) => {
    const { rows } = await t.context.runtime.query('SELECT outcome, token FROM epic_login($1, $2)', [email, 'a wrong password']);
    t.deepEqual(rows[0], { outcome: 'failed', token: null });
  });
  t.true(Math.abs(a - b) <= 0.1 * Math.max(a, b), `medians: unknown email ${a.toFixed(1)} ms, wrong password ${b.toFixed(1)} ms`);
});
