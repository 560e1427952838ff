import test from 'ava';
import { ManualClock } from '../lib/clock';
import { Interrupted } from '../lib/errors';
import { offerFirstRun } from '../lib/shell/first-run';
import { ShellSession } from '../lib/session/shell-session';
import { QueryTypes } from 'sequelize';
import { testApp } from './helpers/app';
import { freshDatabase } from './helpers/database';
import { scriptedPrompter } from './helpers/shell';

/** Collects what first-run says, its errors as the presenter words them. */
function tell(said: string[]) {
  return { say: (text: string) => void said.push(text), fail: (error: Error) => void said.push(`error: ${error.message}`) };
}

async function emptyApp() {
  const db = await freshDatabase();
  return { db, app: testApp(db, new ManualClock()) };
}

test.serial('on an empty database the first manager is created and logged in; a refused password asks only the password again', async (t) => {
  const { db, app } = await emptyApp();
  try {
    const said: string[] = [];
    const session = new ShellSession(app, scriptedPrompter());
    const prompt = scriptedPrompter(['Alice Martin', 'alice@epic-events.fr', 'too short', 'too short', 'a sunny day at the lake', 'a sunny day at the lake']);
    await offerFirstRun(app, session, prompt, tell(said));
    t.deepEqual(prompt.asked.filter((q) => /name/.test(q)), ['Your full name: ']);
    t.deepEqual(prompt.asked.filter((q) => /email/.test(q)), ['Your email (your login): ']);
    t.regex(said.join('\n'), /password: must be at least 15 characters long/);
    t.regex(said.join('\n'), /Created and logged in as Alice Martin \(management\)/);
    t.is(session.role(), 'management');
    const managers = await db.owner.query('SELECT role, email, "mustChangePassword" FROM collaborators', { type: QueryTypes.SELECT });
    t.deepEqual(managers, [{ role: 'management', email: 'alice@epic-events.fr', mustChangePassword: false }]);
    // Once someone exists, nothing is offered.
    const again = scriptedPrompter([]);
    await offerFirstRun(app, session, again, tell([]));
    t.deepEqual(again.asked, []);
  } finally {
    await db.drop();
  }
});

test.serial('an empty name, or Ctrl-C, leaves setup for later and says how to come back', async (t) => {
  const { db, app } = await emptyApp();
  try {
    const said: string[] = [];
    const session = new ShellSession(app, scriptedPrompter());
    await offerFirstRun(app, session, scriptedPrompter(['']), tell(said));
    t.regex(said.at(-1)!, /No account was created; .*`epic setup`/);
    const interrupted = { ...scriptedPrompter(['Alice Martin']), askSecret: async () => Promise.reject(new Interrupted()) };
    interrupted.ask = scriptedPrompter(['Alice Martin', 'alice@epic-events.fr']).ask;
    await offerFirstRun(app, session, interrupted, tell(said));
    t.regex(said.at(-1)!, /setup cancelled; .*`epic setup`/);
    t.deepEqual(await db.owner.query('SELECT id FROM collaborators', { type: QueryTypes.SELECT }), []);
  } finally {
    await db.drop();
  }
});
