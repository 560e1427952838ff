import anyTest, { type TestFn } from 'ava';
import { freshDatabase } from './helpers/database';
import { parseTsv, scriptedPrompter, shellHarness, type ShellHarness } from './helpers/shell';
import { buildWorld, snapshot, type World } from './helpers/world';

/** Issue 5, done when: the whole day of each role, from the shell, with refusals along the way. */
const test = anyTest as TestFn<{ w: World }>;

test.before(async (t) => {
  t.context.w = await buildWorld(await freshDatabase());
});
test.after.always(async (t) => {
  await t.context.w?.db.drop();
});

async function refused(t: import('ava').ExecutionContext, shell: ShellHarness, line: string, reason: RegExp, code = 4) {
  const before = await snapshot();
  shell.stderr.clear();
  t.is(await shell.run(line), code, line);
  t.regex(shell.stderr.text(), reason, line);
  t.is(await snapshot(), before, `${line} changed nothing`);
}

test('a day at Epic Events', async (t) => {
  const { w } = t.context;
  // Morning: the manager hires a salesperson and a support agent.
  const manager = shellHarness(w.db, w.clock, { prompt: scriptedPrompter(['first day phrase for him', 'first day phrase for him', 'first day phrase for her', 'first day phrase for her']) });
  await manager.loginAs('maud@epic.test');
  t.is(await manager.run('collaborator create --name Nina Newsales --email nina@epic.test --role commercial'), 0, manager.stderr.text());
  t.is(await manager.run('collaborator create --name Omar Onsite --email omar@epic.test --role support'), 0, manager.stderr.text());

  // The new salesperson sets a password, creates a client, and may not create a contract.
  const nina = shellHarness(w.db, w.clock, { prompt: scriptedPrompter(['first day phrase for him', 'a phrase only I know', 'a phrase only I know']) });
  await nina.loginAs('nina@epic.test', 'first day phrase for him');
  t.is(await nina.run('passwd'), 0, nina.stderr.text());
  t.is(await nina.run('client create --name Gaston Lagaffe --email gaston@spirou.be --phone +32 2 555 12 34 --company Éditions Dupuis'), 0, nina.stderr.text());
  await refused(t, nina, 'contract create --client Gaston Lagaffe --total 5000', /"contract create" is not available to sales/);

  // The manager creates the contract.
  manager.stdout.clear();
  t.is(await manager.run('contract create --client gaston lagaffe --total 5000 --due 5000'), 0, manager.stderr.text());
  const contractId = parseTsv(manager.stdout.text())[0].id;

  // The salesperson signs it and creates the event; another salesperson may not touch it.
  await refused(t, nina, 'event create --contract ' + contractId + ' --name Gaffe Party --start 2026-07-14 20:00 --end 2026-07-15 02:00 --location Bruxelles --attendees 80', /contract #\d+ is not signed yet: an event needs a signed contract/, 1);
  const sam = shellHarness(w.db, w.clock);
  await sam.loginAs('sam@epic.test');
  await refused(t, sam, `contract sign ${contractId}`, /sales may sign only contracts of their own clients/);
  t.is(await nina.run(`contract sign ${contractId}`), 0, nina.stderr.text());
  t.is(await nina.run(`event create --contract ${contractId} --name Gaffe Party --start 2026-07-14 20:00 --end 2026-07-15 02:00 --location Grand-Place, Bruxelles --attendees 80`), 0, nina.stderr.text());

  // The manager sees it among unassigned events and assigns the support agent.
  manager.stdout.clear();
  t.is(await manager.run('event list --unassigned --upcoming'), 0);
  t.true(parseTsv(manager.stdout.text()).some((row) => row.name === 'Gaffe Party'));
  t.is(await manager.run('event assign Gaffe Party --support Omar Onsite'), 0, manager.stderr.text());

  // The support agent sees it under "my events" and updates its notes, but not another's event.
  const omar = shellHarness(w.db, w.clock, { prompt: scriptedPrompter(['first day phrase for her', 'my own phrase for work', 'my own phrase for work']) });
  await omar.loginAs('omar@epic.test', 'first day phrase for her');
  t.is(await omar.run('passwd'), 0, omar.stderr.text());
  omar.stdout.clear();
  t.is(await omar.run('event list --mine'), 0);
  t.deepEqual(parseTsv(omar.stdout.text()).map((row) => row.name), ['Gaffe Party']);
  t.is(await omar.run('event update gaffe party --notes Confetti cannon: check with the Grand-Place (permit)'), 0, omar.stderr.text());
  await refused(t, omar, 'event update Durand Wedding --notes mine', /support may update only events assigned to them/);
  await refused(t, omar, 'event assign Durand Gala --support Omar Onsite', /"event assign" is not available to support/);
  omar.stdout.clear();
  t.is(await omar.run('event show Gaffe Party --format json'), 0);
  const shown = JSON.parse(omar.stdout.text());
  t.is(shown.notes, 'Confetti cannon: check with the Grand-Place (permit)');
  t.is(shown.client.phone, '+3225551234');
  t.is(shown.supportContact, 'Omar Onsite');
});
