import test from 'ava';
import { ManualClock } from '../lib/clock';
import { createShell, offerFirstRun } from '../lib/shell/repl';
import { QueryTypes } from 'sequelize';
import { testApp } from './helpers/app';
import { freshDatabase } from './helpers/database';
import { capture, scriptedPrompter } from './helpers/shell';

test('on an empty database the shell creates the first manager, asking again after a refusal, and logs in', async (t) => {
  const db = await freshDatabase();
  try {
    const app = testApp(db, new ManualClock());
    const err = capture();
    const shell = createShell(app, { stdout: capture().stream, stderr: err.stream, stdoutIsTerminal: false, stderrIsTerminal: false });
    const prompt = scriptedPrompter(['Alice Martin', 'alice@epic-events.fr', 'too short', 'too short', 'Alice Martin', 'alice@epic-events.fr', 'a sunny day at the lake', 'a sunny day at the lake']);
    await offerFirstRun(app, shell.runner, shell.session, prompt);
    t.regex(err.text(), /No account exists yet/);
    t.regex(err.text(), /password: must be at least 15 characters long/);
    t.regex(err.text(), /Created and logged in as Alice Martin \(management\)/);
    t.is(shell.session.role(), 'management');
    const managers = await db.owner.query('SELECT role, email, "mustChangePassword" FROM collaborators', { type: QueryTypes.SELECT });
    t.deepEqual(managers, [{ role: 'management', email: 'alice@epic-events.fr', mustChangePassword: false }]);
    // Once someone exists, nothing is offered.
    const again = scriptedPrompter([]);
    await offerFirstRun(app, shell.runner, shell.session, again);
    t.deepEqual(again.asked, []);
  } finally {
    await db.drop();
  }
});
