/**
 * Login timing (npm run bench:login), on a fresh test database (the embedded one, or
 * DATABASE_URL's server): an unknown email must cost what a wrong password costs, or the time
 * of an answer tells an attacker which emails are staff. Alternating tries of each, through the
 * login service and through `epic_login` with the runtime role alone; prints both medians and
 * their difference. `test/login-decoy.test.ts` checks the same property by counting the work,
 * which a loaded machine cannot distort; this measures what it costs.
 */
import bcrypt from 'bcrypt';
import pg from 'pg';
import { logIn } from '../lib/services/auth';
import { freshDatabase } from '../test/helpers/database';
import { buildWorld, insertCollaborator, PASSWORD } from '../test/helpers/world';

const TRIES = Number(process.env.BENCH_TRIES ?? 41);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const w = await buildWorld(await freshDatabase());
  const runtime = new pg.Pool({ connectionString: w.db.url, max: 1 });
  try {
    const [{ cost }] = (await w.db.owner.query('SELECT "bcryptCost" AS cost FROM security_policy', { type: 'SELECT' })) as { cost: number }[];
    const account = await insertCollaborator(w.db, { fullName: 'Tim Timing', email: 'timing@epic.test', role: 'support', passwordHash: await bcrypt.hash(PASSWORD, cost) });
    const paths: [string, (email: string) => Promise<unknown>][] = [
      ['login service', (email) => logIn({ sequelize: w.db.sequelize, clock: w.clock }, email, 'wrong password entirely').catch(() => undefined)],
      ['epic_login, runtime role', (email) => runtime.query('SELECT outcome FROM epic_login($1, $2)', [email, 'a wrong password'])],
    ];
    console.log(`bcrypt cost ${cost}, ${TRIES} tries of each, alternating`);
    console.log('| path | unknown email (median) | wrong password (median) | difference |');
    console.log('|---|---|---|---|');
    for (const [name, attempt] of paths) {
      const times = { unknown: [] as number[], wrong: [] as number[] };
      for (let i = 0; i < TRIES; i++) {
        for (const [which, email] of [['unknown', 'nobody@epic.test'], ['wrong', account.email]] as const) {
          const start = process.hrtime.bigint();
          await attempt(email);
          times[which].push(Number(process.hrtime.bigint() - start) / 1e6);
          // Never locks: the failure count goes back to zero after each try.
          await w.db.owner.query('UPDATE collaborators SET "failedLoginCount" = 0 WHERE email = $1', { bind: [account.email] });
        }
      }
      const [unknown, wrong] = [median(times.unknown), median(times.wrong)];
      console.log(`| ${name} | ${unknown.toFixed(2)} ms | ${wrong.toFixed(2)} ms | ${(unknown - wrong).toFixed(2)} ms (${((100 * (unknown - wrong)) / wrong).toFixed(1)} %) |`);
    }
  } finally {
    await runtime.end();
    await w.db.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
