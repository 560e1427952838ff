import anyTest, { type TestFn } from 'ava';
import { ACTIONS, type Action } from '../lib/permissions';
import { freshDatabase, undoableDatabase } from './helpers/database';
import { ROLES, SPEC, type Role, type Target } from './helpers/permission-spec';
import { shellHarness, type ShellHarness } from './helpers/shell';
import { buildWorld, snapshot, type World } from './helpers/world';

/**
 * Who may do what (README), role × command, through the shell's commands and what they print.
 * The runner decides by role alone (whose record it is, is the services' rule, walked target by
 * target in permissions-services and refused through the shell in shell-commands), so each
 * command runs once per role: a role without the action is told it is not available and
 * nothing changes; a role with it runs the command on a record it may act on, inside an outer
 * transaction that is rolled back, so that every cell starts from the same world.
 */
interface Context {
  w: World;
  built: string;
  shells: Record<Role, ShellHarness>;
  rolledBack<T>(work: () => Promise<T>): Promise<T>;
}
const test = anyTest as TestFn<Context>;

const EMAIL: Record<Role, string> = { management: 'maud@epic.test', sales: 'sam@epic.test', support: 'paul@epic.test' };

test.before(async (t) => {
  const w = await buildWorld(await freshDatabase());
  const { db, rolledBack } = undoableDatabase(w.db);
  const shells = {} as Record<Role, ShellHarness>;
  for (const role of ROLES) {
    shells[role] = shellHarness(db, w.clock);
    await shells[role].loginAs(EMAIL[role]);
  }
  Object.assign(t.context, { w, shells, rolledBack, built: await snapshot() });
});
test.after.always(async (t) => {
  await t.context.w?.db.drop();
});


const pick = <T>(target: Target, own: T, other: T, unassigned: T = other) => (target === 'own' ? own : target === 'other' ? other : unassigned);

// `epic db export` is a command of the system shell only, not of this shell: test/data-move.test.ts runs it.
type ShellAction = Exclude<Action, 'database.export'>;
const LINES: Record<ShellAction, (w: World, t: Target) => string> = {
  'collaborator.list': () => 'collaborator list',
  'collaborator.show': () => 'collaborator show Sonia Sales',
  'collaborator.create': () => 'collaborator create --name New Hire --email new@epic.test --role sales',
  'collaborator.update': () => 'collaborator update Pia Support --name Pia Renamed',
  'collaborator.delete': () => 'collaborator delete Pia Support --yes',
  'collaborator.reset-password': () => 'collaborator reset-password pia@epic.test',
  'collaborator.history': () => 'collaborator history Sonia Sales',
  'collaborator.activity': () => 'activity --by Sonia Sales --since 2026-01-01',
  'client.list': () => 'client list',
  'client.show': (_w, t) => `client show ${pick(t, 'Kevin Casey', 'Élodie Durand')}`,
  'client.create': () => 'client create --name New Client --email new@client.test --phone 0612345678',
  'client.update': (_w, t) => `client update ${pick(t, 'Kevin Casey', 'Élodie Durand')} --company Renamed`,
  'client.delete': (_w, t) => `client delete ${pick(t, 'Olivia Prospect', 'Oscar Prospect')} --yes`,
  'client.reassign': (_w, t) => `client reassign ${pick(t, 'Kevin Casey', 'Élodie Durand')} --to Sonia Sales`,
  'client.history': (_w, t) => `client history ${pick(t, 'Kevin Casey', 'Élodie Durand')}`,
  'client.contact': (_w, t) => `client contact ${pick(t, 'Kevin Casey', 'Élodie Durand')} --note Called about the date --by phone`,
  'client.contacts': (_w, t) => `client contacts ${pick(t, 'Kevin Casey', 'Élodie Durand')}`,
  'contract.list': () => 'contract list',
  'contract.show': (w, t) => `contract show ${pick(t, w.ownSigned, w.otherSigned).id}`,
  'contract.create': (_w, t) => `contract create --client ${pick(t, 'Kevin Casey', 'Élodie Durand')} --total 500`,
  'contract.update': (w, t) => `contract update ${pick(t, w.ownSigned, w.otherSigned).id} --due 100`,
  'contract.sign': (w, t) => `contract sign ${pick(t, w.ownUnsigned, w.otherUnsigned).id}`,
  'contract.pay': (w, t) => `contract pay ${pick(t, w.ownSigned, w.otherSigned).id} 100`,
  'contract.delete': (w, t) => `contract delete ${pick(t, w.ownUnsigned, w.otherUnsigned).id} --yes`,
  'contract.history': (w, t) => `contract history ${pick(t, w.ownSigned, w.otherSigned).id}`,
  'event.list': () => 'event list',
  'event.show': (_w, t) => `event show ${pick(t, 'Casey Launch Party', 'Durand Wedding', 'Durand Gala')}`,
  'event.create': (w, t) => `event create --contract ${pick(t, w.ownSignedFree, w.otherSignedFree).id} --name New Event --start 2026-09-01 10:00 --end 2026-09-01 18:00 --location Paris --attendees 10`,
  'event.update': (_w, t) => `event update ${pick(t, 'Casey Launch Party', 'Durand Wedding', 'Durand Gala')} --notes Bring chairs`,
  'event.assign': (_w, t) => `event assign ${pick(t, 'Casey Launch Party', 'Durand Wedding', 'Durand Gala')} --support Pia Support`,
  'event.unassign': (_w, t) => `event unassign ${pick(t, 'Casey Launch Party', 'Durand Wedding')}`,
  'event.delete': (_w, t) => `event delete ${pick(t, 'Casey Launch Party', 'Durand Wedding', 'Durand Gala')} --yes`,
  'event.history': (_w, t) => `event history ${pick(t, 'Casey Launch Party', 'Durand Wedding', 'Durand Gala')}`,
  'agenda.show': () => 'agenda',
};

for (const action of ACTIONS.filter((a): a is ShellAction => a in LINES)) {
  for (const role of ROLES) {
    const targets = SPEC[action][role];
    test.serial(`shell: ${role} ${targets ? 'may' : 'may not'} ${action}`, async (t) => {
      const { w, shells, rolledBack } = t.context;
      const shell = shells[role];
      shell.stderr.clear();
      // A record the role may act on, another's when any will do; a refusal is by role alone.
      const target: Target = targets?.includes('other') ? 'other' : 'own';
      const line = LINES[action](w, target);
      if (targets) {
        t.is(await rolledBack(() => shell.run(line)), 0, `${line}: ${shell.stderr.text()}`);
      } else {
        const before = await snapshot();
        t.is(await shell.run(line), 4, line);
        const command = action === 'collaborator.activity' ? 'activity' : action.replace('.', ' ');
        t.is(shell.stderr.text(), `error: permission denied: "${command}" is not available to ${role}\n`);
        t.is(await snapshot(), before);
      }
    });
  }
}

test.serial('the commands that ran left the world as it was built', async (t) => {
  t.is(await snapshot(), t.context.built);
});
