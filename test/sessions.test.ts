import anyTest, { type ExecutionContext, type TestFn } from 'ava';
import { QueryTypes } from 'sequelize';
import type { Prompter } from '../lib/session/contracts';
import { AppError, Conflict, ValidationError } from '../lib/errors';
import { createClient } from '../lib/services/clients';
import { deleteCollaborator, resetPassword, updateCollaborator } from '../lib/services/collaborators';
import { cryptoTokens } from '../lib/services/settings';
import { blockedOrSettled, freshDatabase } from './helpers/database';
import { epicUserInProcess } from './helpers/epic-in-process';
import { scriptedPrompter, shellHarness, type ShellHarness } from './helpers/shell';
import { buildWorld, insertCollaborator, PASSWORD, sessionRunner, signIn, type World } from './helpers/world';

/**
 * Sessions decided by PostgreSQL at every command: revoked elsewhere, they end an open shell;
 * a question never holds a transaction; concurrent role changes cannot slip between.
 */
const test = anyTest as TestFn<{ w: World }>;

test.before(async (t) => {
  t.context.w = await buildWorld(await freshDatabase());
});
test.after.always(async (t) => {
  await t.context.w?.db.drop();
});

let n = 0;
function newAccount(w: World, role = 'support') {
  n++;
  return insertCollaborator(w.db, { fullName: `Temp Person${n}`, email: `temp${n}@epic.test`, role });
}

async function ownerRead<T extends object>(w: World, sql: string, bind: unknown[]): Promise<T[]> {
  return w.db.owner.query<T>(sql, { bind, type: QueryTypes.SELECT });
}
const roleOf = async (w: World, id: number) => (await ownerRead<{ role: string }>(w, 'SELECT role FROM collaborators WHERE id = $1', [id]))[0]?.role;

async function loggedIn(w: World, email: string, prompt?: Prompter): Promise<ShellHarness> {
  const shell = shellHarness(w.db, w.clock, { prompt });
  await shell.loginAs(email);
  return shell;
}

async function endsTheShell(t: ExecutionContext<{ w: World }>, revoke: (w: World, email: string) => Promise<unknown>) {
  const { w } = t.context;
  const account = await newAccount(w);
  const shell = await loggedIn(w, account.email);
  t.is(await shell.run('whoami'), 0);
  await revoke(w, account.email);
  shell.stderr.clear();
  t.is(await shell.run('event list'), 4);
  t.is(shell.stderr.text(), 'error: session ended: log in again\n');
  t.is(shell.session.role(), undefined, 'the shell is logged out');
  t.deepEqual(shell.runner.available().map((spec) => spec.name).sort(), ['exit', 'help', 'login', 'logout'], "the role's commands go");
}

test.serial('a REPL session ends at its next command after passwd elsewhere', (t) =>
  endsTheShell(t, async (w, email) => {
    const elsewhere = await loggedIn(w, email, scriptedPrompter([PASSWORD, 'another fine phrase to use', 'another fine phrase to use']));
    t.is(await elsewhere.run('passwd'), 0, elsewhere.stderr.text());
    t.is(await elsewhere.run('whoami'), 0, 'the shell that changed it goes on');
  }));

test.serial('a REPL session ends at its next command after reset-password', (t) =>
  endsTheShell(t, (w, email) => w.as(w.manager, (ctx) => resetPassword(ctx, email, 'a one time phrase for you', { tokens: cryptoTokens }))));

test.serial('a REPL session ends at its next command after a role change', (t) =>
  endsTheShell(t, (w, email) => w.as(w.manager, (ctx) => updateCollaborator(ctx, email, { role: 'sales' }, PASSWORD))));

test.serial('a REPL session ends at its next command after its collaborator is deleted', (t) =>
  endsTheShell(t, (w, email) => w.as(w.manager, (ctx) => deleteCollaborator(ctx, email))));

test.serial("the shell's session is a row of the database, deleted by logout", async (t) => {
  const { w } = t.context;
  const account = await newAccount(w);
  const count = async () => (await ownerRead<{ count: string }>(w, 'SELECT count(*) FROM sessions WHERE "collaboratorId" = $1', [account.id]))[0].count;
  const shell = await loggedIn(w, account.email);
  t.is(await count(), '1');
  t.is(await shell.run('logout'), 0);
  t.is(await count(), '0');
});

/** A terminal whose confirmation stays open until the test answers it. */
function heldConfirmation() {
  let opened!: () => void;
  const open = new Promise<void>((resolve) => (opened = resolve));
  let answer!: (yes: boolean) => void;
  const answered = new Promise<boolean>((resolve) => (answer = resolve));
  const prompt: Prompter = {
    interactive: true,
    ask: async () => '',
    askSecret: async () => '',
    confirm: async () => {
      opened();
      return answered;
    },
  };
  return { prompt, open, answer };
}

test.serial('a manager demoted while "Delete …? (y/N)" is open deletes nothing', async (t) => {
  const { w } = t.context;
  const other = await newAccount(w, 'management');
  const target = await newAccount(w);
  for (const demote of ['by the database function, which ends the session', 'behind the session, by the owner'] as const) {
    const acting = await newAccount(w, 'management');
    const held = heldConfirmation();
    const shell = await loggedIn(w, acting.email, held.prompt);
    const running = shell.run(`collaborator delete ${target.email}`);
    await held.open;
    // Nothing holds the acting manager's row while the question is open: the change goes through now.
    if (demote.startsWith('by the database')) {
      await w.as(other, (ctx) => updateCollaborator(ctx, acting.email, { role: 'sales' }, PASSWORD));
    } else {
      await w.db.owner.query(`UPDATE collaborators SET role = 'sales' WHERE id = $1`, { bind: [acting.id] });
    }
    held.answer(true);
    t.is(await running, 4, demote);
    t.regex(shell.stderr.text(), demote.startsWith('by the database') ? /session ended: log in again/ : /"collaborator delete" is not available to sales/, demote);
    t.is(await roleOf(w, target.id), 'support', `${demote}: nothing deleted`);
  }
});

test.serial('a manager deleted while "Delete …? (y/N)" is open deletes nothing', async (t) => {
  const { w } = t.context;
  const other = await newAccount(w, 'management');
  const acting = await newAccount(w, 'management');
  const target = await newAccount(w);
  const held = heldConfirmation();
  const shell = await loggedIn(w, acting.email, held.prompt);
  const running = shell.run(`collaborator delete ${target.email}`);
  await held.open;
  await w.as(other, (ctx) => deleteCollaborator(ctx, acting.email));
  held.answer(true);
  t.is(await running, 4);
  t.regex(shell.stderr.text(), /session ended: log in again/);
  t.is(await roleOf(w, target.id), 'support');
});

/** Tracks whether a promise has settled, without awaiting it. */
function watch<T>(promise: Promise<T>) {
  const state = { settled: false, promise };
  promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}

test.serial('client create and a role change race on two connections: the seller never ends up support with a client', async (t) => {
  const { w } = t.context;
  const client = (i: number) => ({ fullName: `Race Client${i}`, email: `race${i}@x.test`, phone: '0612345678' });
  const clientsOf = async (id: number) => ownerRead<{ email: string }>(w, 'SELECT email FROM clients WHERE "salesContactId" = $1', [id]);

  // The client first: the role change waits for the seller's transaction, then is refused.
  const seller = await newAccount(w, 'sales');
  let created!: () => void;
  const inserted = new Promise<void>((resolve) => (created = resolve));
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const creating = sessionRunner(w.db, w.clock)(seller, async (ctx) => {
    await createClient(ctx, client(1));
    created();
    await held;
  });
  await inserted;
  const change = watch(w.as(w.manager, (ctx) => updateCollaborator(ctx, seller.email, { role: 'support' }, PASSWORD)));
  await blockedOrSettled(w.db.name, change.promise);
  t.false(change.settled, 'the role change waits for the seller’s transaction');
  release();
  await creating;
  const refused = await t.throwsAsync(change.promise);
  t.true(refused instanceof Conflict || refused instanceof ValidationError, String(refused));
  t.regex(refused!.message, /sales contact of clients|reassign/);
  t.is(await roleOf(w, seller.id), 'sales');
  t.deepEqual(await clientsOf(seller.id), [{ email: 'race1@x.test' }]);

  // The role change first: the seller's command waits, then finds itself no longer sales.
  const other = await newAccount(w, 'sales');
  let changed!: () => void;
  const roleChanged = new Promise<void>((resolve) => (changed = resolve));
  let commit!: () => void;
  const committing = new Promise<void>((resolve) => (commit = resolve));
  const changing = w.as(w.manager, async (ctx) => {
    await updateCollaborator(ctx, other.email, { role: 'support' }, PASSWORD);
    changed();
    await committing;
  });
  await roleChanged;
  const creation = watch(sessionRunner(w.db, w.clock)(other, (ctx) => createClient(ctx, client(2))));
  await blockedOrSettled(w.db.name, creation.promise);
  t.false(creation.settled, 'the seller’s command waits for the role change');
  commit();
  await changing;
  t.true((await t.throwsAsync(creation.promise)) instanceof AppError);
  t.is(await roleOf(w, other.id), 'support');
  t.deepEqual(await clientsOf(other.id), []);
});

test.serial('a manager cannot reset their own password: passwd is for that', async (t) => {
  const { w } = t.context;
  const shell = await loggedIn(w, 'maud@epic.test', scriptedPrompter([]));
  t.is(await shell.run('collaborator reset-password maud@epic.test'), 1);
  t.regex(shell.stderr.text(), /you cannot reset your own password: use `passwd`/);
});

test.serial("a role change, and a reset of another manager's password, ask for the acting manager's password", async (t) => {
  const { w } = t.context;
  const account = await newAccount(w);
  const failures = async () => (await ownerRead<{ failedLoginCount: number }>(w, 'SELECT "failedLoginCount" FROM collaborators WHERE id = $1', [w.manager.id]))[0].failedLoginCount;
  const prompt = scriptedPrompter(['not my password at all', PASSWORD]);
  const shell = await loggedIn(w, 'maud@epic.test', prompt);
  t.is(await shell.run(`collaborator update ${account.email} --role sales`), 4);
  t.regex(shell.stderr.text(), /wrong password: nothing changed/);
  t.regex(prompt.asked[0], /Your own password \(to change a role\)/);
  t.is(await roleOf(w, account.id), 'support');
  t.is(await failures(), 1, 'a wrong password counts as a failed login of the manager');
  t.is(await shell.run(`collaborator update ${account.email} --role sales`), 0, shell.stderr.text());
  t.is(await roleOf(w, account.id), 'sales');

  // Another manager's password: the one-time password twice, then the manager's own.
  const colleague = await newAccount(w, 'management');
  const hash = async () => (await ownerRead<{ passwordHash: string }>(w, 'SELECT "passwordHash" FROM collaborators WHERE id = $1', [colleague.id]))[0].passwordHash;
  const before = await hash();
  const resetting = scriptedPrompter(['a one time phrase for you', 'a one time phrase for you', 'wrong guess of mine', 'a one time phrase for you', 'a one time phrase for you', PASSWORD]);
  const manager = await loggedIn(w, 'maud@epic.test', resetting);
  t.is(await manager.run(`collaborator reset-password ${colleague.email}`), 4);
  t.is(await hash(), before);
  t.is(await manager.run(`collaborator reset-password ${colleague.email}`), 0, manager.stderr.text());
  t.not(await hash(), before);
  t.regex(resetting.asked[2], /Your own password \(to set a manager's password\)/);

  // Someone else's password: no extra question.
  const plain = scriptedPrompter(['a one time phrase for you', 'a one time phrase for you']);
  const again = await loggedIn(w, 'maud@epic.test', plain);
  t.is(await again.run(`collaborator reset-password ${account.email}`), 0, again.stderr.text());
  t.is(plain.asked.length, 2);
});

test.serial("one-shot: --password-stdin takes the acting manager's password on the next line", async (t) => {
  const { w } = t.context;
  const colleague = await newAccount(w, 'management');
  const target = await newAccount(w);
  // As `epic` runs one command (main, in this process): standard input is what it reads.
  const maud = epicUserInProcess(w.db.url);
  await signIn(maud, w.db, w.manager.id);
  const missing = await maud.run(['collaborator', 'reset-password', colleague.email, '--password-stdin'], 'a one time phrase for you\n');
  t.is(missing.code, 2, missing.stderr);
  t.regex(missing.stderr, /standard input ended early/);
  const reset = await maud.run(['collaborator', 'reset-password', colleague.email, '--password-stdin'], `a one time phrase for you\n${PASSWORD}\n`);
  t.is(reset.code, 0, reset.stderr);
  const role = await maud.run(['collaborator', 'update', target.email, '--role', 'sales', '--password-stdin'], `${PASSWORD}\n`);
  t.is(role.code, 0, role.stderr);
  t.is(await roleOf(w, target.id), 'sales');
  const noPassword = await maud.run(['collaborator', 'update', target.email, '--role', 'support']);
  t.is(noPassword.code, 2);
  t.regex(noPassword.stderr, /needs your own password: give --password-stdin/);
});

test.serial('commands that only read (lists, shows, histories) run in a read-only transaction; commands that write do not', async (t) => {
  const { w } = t.context;
  const shell = await loggedIn(w, 'sam@epic.test');
  const sequelize = w.db.sequelize as unknown as { options: { logging: unknown; logQueryParameters?: boolean } };
  const { logging } = sequelize.options;
  const begins: string[] = [];
  sequelize.options.logQueryParameters = true;
  sequelize.options.logging = (sql: string) => {
    if (sql.includes('epic_begin(')) begins.push(sql);
  };
  const modeOf = async (line: string) => {
    begins.length = 0;
    await shell.run(line);
    t.is(begins.length, 1, line);
    return /, true$/.test(begins[0]) ? 'read-only' : /, false$/.test(begins[0]) ? 'read-write' : begins[0];
  };
  try {
    for (const line of ['client list', 'client show #1', 'contract list --mine', 'event list', 'client history #1', 'whoami']) t.is(await modeOf(line), 'read-only', line);
    t.is(await modeOf(`client update #1 --company "Read Write"`), 'read-write');
  } finally {
    sequelize.options.logging = logging;
    sequelize.options.logQueryParameters = false;
  }
});
