import anyTest, { type TestFn } from 'ava';
import { idleMinutes } from '../lib/session/shell-session';
import { vorpalEditor } from '../lib/shell/line-editor';
import { createShell } from '../lib/shell/repl';
import { testApp } from './helpers/app';
import { parseTsv, shellHarness } from './helpers/shell';
import { memoryIO } from './helpers/io';
import { worldPerFile, PASSWORD, type World } from './helpers/world';

/** What people type at the shell, and the words it answers with. The world's clock is 2026-06-01. */
const test = anyTest as TestFn<{ w: World }>;

process.env.TZ = 'Europe/Paris';

worldPerFile(test);

async function shellOf(w: World, email: string) {
  const shell = shellHarness(w.db, w.clock);
  await shell.loginAs(email);
  return shell;
}

test('a command of another role is refused before its options are read or its usage shown', async (t) => {
  const shell = await shellOf(t.context.w, 'paul@epic.test');
  for (const line of ['client create --bogus', 'client create --help', 'contract pay 1 -5', 'event assign --support']) {
    shell.stderr.clear();
    t.is(await shell.run(line), 4, line);
    t.regex(shell.stderr.text(), /"[a-z ]+" is not available to support/, line);
    t.notRegex(shell.stderr.text(), /usage|unknown option|positive/, line);
  }
});

test('a quoted value may start with --, in the shell', async (t) => {
  const { w } = t.context;
  const shell = await shellOf(w, 'sam@epic.test');
  t.is(await shell.run('client create --name Dash Dupont --email dash@dash.test --phone 0611223344 --company "--Dash Co"'), 0, shell.stderr.text());
  shell.stdout.clear();
  // JSON keeps the value as stored (TSV would neutralise a cell starting with "-" for spreadsheets).
  t.is(await shell.run('client show Dash Dupont --format json'), 0, shell.stderr.text());
  t.is(JSON.parse(shell.stdout.text()).companyName, '--Dash Co');
  t.is(await shell.run('client update Dash Dupont --company=--Dash Corp'), 0, shell.stderr.text());
  shell.stdout.clear();
  await shell.run('client show Dash Dupont --format json');
  t.is(JSON.parse(shell.stdout.text()).companyName, '--Dash Corp');
});

test('phone searches match the number as people type it', async (t) => {
  const shell = await shellOf(t.context.w, 'maud@epic.test');
  for (const typed of ['06 12 34 56 78', '0612345678', '06.12.34', '+33 6 12 34 56 78', '0033612345678']) {
    shell.stdout.clear();
    t.is(await shell.run(`client list --search ${typed}`), 0, shell.stderr.text());
    t.deepEqual(parseTsv(shell.stdout.text()).map((row) => row.fullName), ['Kevin Casey'], typed);
  }
});

test('messages state their rule: the maximum, positive amounts, a skipped local time', async (t) => {
  const { w } = t.context;
  const shell = await shellOf(w, 'maud@epic.test');
  const said = async (line: string) => {
    shell.stderr.clear();
    await shell.run(line);
    return shell.stderr.text();
  };
  t.regex(await said('client list --limit 100000'), /limit: expected a whole number from 1 to 10000/);
  t.regex(await said(`contract pay ${w.otherSigned.id} -5`), /amount: must be positive/);
  t.regex(await said(`contract update ${w.otherSigned.id} --due -5`), /error: due: must be positive/);
  const sales = await shellOf(w, 'sonia@epic.test');
  sales.stderr.clear();
  t.is(await sales.run('event update Durand Wedding --start 2027-03-28 02:15'), 1);
  t.regex(sales.stderr.text(), /2027-03-28 02:15 does not exist in the time zone Europe\/Paris/);
  t.is(idleMinutes(1), '1 idle minute');
  t.is(idleMinutes(30), '30 idle minutes');
});

test('filters refuse contradictions the same way on every noun', async (t) => {
  const { w } = t.context;
  const manager = await shellOf(w, 'maud@epic.test');
  const refusal = async (shell: typeof manager, line: string) => {
    shell.stderr.clear();
    const code = await shell.run(line);
    return { code, text: shell.stderr.text().trim() };
  };
  t.deepEqual(await refusal(manager, 'event list --upcoming --past'), { code: 2, text: 'error: give --upcoming or --past, not both' });
  t.deepEqual(await refusal(manager, 'contract list --paid --unpaid'), { code: 2, text: 'error: give --paid or --unpaid, not both' });
  t.deepEqual(await refusal(manager, 'event list --from 2026-07-01 --to 2026-06-01'), { code: 1, text: 'error: from: must be before --to' });
  t.deepEqual(await refusal(manager, 'event list --support Sam Sales'), { code: 1, text: 'error: support: Sam Sales is sales, not support' });
  t.deepEqual(await refusal(manager, 'client list --sales Paul Support'), { code: 1, text: 'error: sales: Paul Support is support, not sales' });
  // --mine: a manager owns nothing, and is told so on every noun rather than shown an empty list.
  for (const noun of ['client', 'contract', 'event']) {
    const { code, text } = await refusal(manager, `${noun} list --mine`);
    t.is(code, 1, noun);
    t.regex(text, new RegExp(`^error: mine: managers have no ${noun}s of their own: filter with --`), noun);
  }
  const support = await shellOf(w, 'paul@epic.test');
  t.regex((await refusal(support, 'client list --mine')).text, /support staff have no clients of their own/);
});

test.serial('in the vorpal shell too: a noun alone lists its verbs, another role is refused first', async (t) => {
  const { w } = t.context;
  const { io, stdout: out, stderr: err } = memoryIO();
  const app = testApp(w.db, w.clock);
  const shell = createShell(app, vorpalEditor(io), io);
  // A line as the line editor hands it over once Enter is pressed.
  const type = (line: string) => shell.handlers.line(line);
  await shell.session.login('paul@epic.test', PASSWORD);
  shell.sync();
  await type('client');
  t.regex(err.text(), /client list +list clients/);
  t.notRegex(err.text(), /client create/);
  err.clear();
  await type('client create --bogus');
  t.is(err.text(), 'error: permission denied: "client create" is not available to support\n');
  t.is(out.text(), '');
  await type('exit');
  t.is(await shell.closed, 0);
});
