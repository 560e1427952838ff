import anyTest, { type TestFn } from 'ava';
import { freshDatabase } from './helpers/database';
import { parseTsv, runOk, scriptedPrompter, shellHarness, type ShellHarness } from './helpers/shell';
import { buildWorld, insertCollaborator, insertRow, type World } from './helpers/world';

/**
 * The filters each role needs, through the shell. The world's clock is 2026-06-01; besides the
 * world, a contract of Kevin Casey's is paid in full, so that `--paid` has something to find.
 */
const test = anyTest as TestFn<{ w: World; paid: number }>;

test.before(async (t) => {
  const w = await buildWorld(await freshDatabase());
  t.context.w = w;
  const paid = await insertRow(w.db, 'contracts', { clientId: w.ownClient.id, totalAmount: '800.00', amountDue: '0.00', signed: true, signedAt: w.clock.now() });
  t.context.paid = paid.id as number;
});
test.after.always(async (t) => {
  await t.context.w?.db.drop();
});

/**
 * What a line lists as a collaborator, in a shell logged in as them: one shell per collaborator
 * and test (a login hashes at bcrypt cost 10), whose lines run one after the other.
 */
function lister(w: World) {
  const shells = new Map<string, ShellHarness>();
  return async (email: string, line: string, key = 'name') => {
    let shell = shells.get(email);
    if (!shell) {
      shell = shellHarness(w.db, w.clock);
      await shell.loginAs(email);
      shells.set(email, shell);
    }
    return parseTsv(await runOk(shell, line)).map((row) => row[key]);
  };
}

test('client filters: mine, by sales collaborator, search', async (t) => {
  const { w } = t.context;
  const rows = lister(w);
  t.deepEqual(await rows('sam@epic.test', 'client list --mine', 'fullName'), ['Kevin Casey', 'Olivia Prospect']);
  t.deepEqual(await rows('maud@epic.test', 'client list --sales Sonia Sales', 'fullName'), ['Élodie Durand', 'Oscar Prospect']);
  t.deepEqual(await rows('paul@epic.test', 'client list --search startup', 'fullName'), ['Kevin Casey']);
  t.deepEqual(await rows('paul@epic.test', 'client list --search 98765', 'fullName'), ['Élodie Durand']);
});

test('contract filters: signed, unsigned, paid, unpaid, by client, mine', async (t) => {
  const { w, paid } = t.context;
  const rows = lister(w);
  // Contracts are listed by id.
  const ids = (...list: number[]) => list.sort((a, b) => a - b).map(String);
  const gala = w.unassignedEvent.contractId;
  t.deepEqual(await rows('maud@epic.test', 'contract list --unsigned', 'id'), ids(w.ownUnsigned.id, w.otherUnsigned.id));
  t.deepEqual(await rows('maud@epic.test', 'contract list --signed', 'id'), ids(w.ownSigned.id, w.ownSignedFree.id, w.otherSigned.id, w.otherSignedFree.id, gala, paid));
  t.deepEqual(await rows('maud@epic.test', 'contract list --paid', 'id'), ids(paid));
  const unpaid = ids(w.ownSigned.id, w.ownUnsigned.id, w.ownSignedFree.id, w.otherSigned.id, w.otherUnsigned.id, w.otherSignedFree.id, gala);
  t.deepEqual(await rows('maud@epic.test', 'contract list --unpaid', 'id'), unpaid);
  t.deepEqual(await rows('paul@epic.test', 'contract list --client Kevin Casey --unsigned', 'id'), ids(w.ownUnsigned.id));
  t.deepEqual(await rows('paul@epic.test', 'contract list --client Kevin Casey --paid', 'id'), ids(paid));
  t.deepEqual(await rows('sam@epic.test', 'contract list --mine', 'id'), ids(w.ownSigned.id, w.ownUnsigned.id, w.ownSignedFree.id, paid));
  const shell = shellHarness(w.db, w.clock);
  await shell.loginAs('sam@epic.test');
  t.is(await shell.run('contract list --signed --unsigned'), 2);
});

test('event filters: mine, unassigned, upcoming, past, by client, by support, date range', async (t) => {
  const { w } = t.context;
  const rows = lister(w);
  t.deepEqual(await rows('paul@epic.test', 'event list --mine'), ['Casey Launch Party']);
  t.deepEqual(await rows('sonia@epic.test', 'event list --mine'), ['Durand Gala', 'Durand Wedding']);
  t.deepEqual(await rows('maud@epic.test', 'event list --unassigned'), ['Durand Gala']);
  t.deepEqual(await rows('maud@epic.test', 'event list --upcoming'), ['Casey Launch Party', 'Durand Wedding']);
  t.deepEqual(await rows('maud@epic.test', 'event list --past'), ['Durand Gala']);
  t.deepEqual(await rows('maud@epic.test', 'event list --client Élodie Durand'), ['Durand Gala', 'Durand Wedding']);
  t.deepEqual(await rows('maud@epic.test', 'event list --support pia@epic.test'), ['Durand Wedding']);
  t.deepEqual(await rows('maud@epic.test', 'event list --from 2026-06-15 --to 2026-07-01'), ['Casey Launch Party']);
  t.deepEqual(await rows('maud@epic.test', 'event list --to 2026-06-30'), ['Durand Gala']);
  const shell = shellHarness(w.db, w.clock);
  await shell.loginAs('maud@epic.test');
  t.is(await shell.run('event list --mine'), 1);
  t.regex(shell.stderr.text(), /managers have no events of their own/);
  t.is(await shell.run('event list --from yesterday'), 1);
});

test('on a terminal, a delete asks first and does nothing when declined', async (t) => {
  const { w } = t.context;
  const rows = lister(w);
  // A salesperson of this test's own: the other tests' lists never see the client it makes.
  await insertCollaborator(w.db, { fullName: 'Dina Deleter', email: 'dina@epic.test', role: 'sales' });
  const shell = shellHarness(w.db, w.clock, { prompt: scriptedPrompter(['n', 'y']) });
  await shell.loginAs('dina@epic.test');
  t.is(await shell.run('client create --name Dora Deletable --email dora@x.test --phone 0611223344'), 0);
  t.is(await shell.run('client delete Dora Deletable'), 1);
  t.regex(shell.stderr.text(), /cancelled: nothing was deleted/);
  t.deepEqual(await rows('dina@epic.test', 'client list --search dora', 'fullName'), ['Dora Deletable']);
  t.is(await shell.run('client delete Dora Deletable'), 0);
  t.deepEqual(await rows('dina@epic.test', 'client list --search dora', 'fullName'), []);
});
