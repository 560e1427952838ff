import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import anyTest, { type TestFn } from 'ava';
import bcrypt from 'bcrypt';
import { ManualClock } from '../lib/clock';
import { AuthenticationFailed, NotLoggedIn, ValidationError } from '../lib/errors';
import { authenticate, LOGIN_FAILED } from '../lib/services/auth';
import { resetPassword, updateCollaborator } from '../lib/services/collaborators';
import { assertPasswordAcceptable } from '../lib/services/passwords';
import { cryptoTokens } from '../lib/services/settings';
import { ShellSession } from '../lib/session/shell-session';
import { TokenSession } from '../lib/session/token-session';
import { readToken, TokenFileError, tokenFilePath, writeToken } from '../lib/session/token-file';
import { Collaborator, Session } from '../models';
import { freshDatabase } from './helpers/database';
import { testApp } from './helpers/app';
import { scriptedPrompter, shellHarness } from './helpers/shell';

const SETTINGS = { bcryptCost: 10, idleMinutes: 30, sessionHours: 12 };
import { buildWorld, PASSWORD, type World } from './helpers/world';

const test = anyTest as TestFn<{ w: World }>;

test.before(async (t) => {
  t.context.w = await buildWorld(await freshDatabase());
});
test.after.always(async (t) => {
  await t.context.w?.db.drop();
});

const deps = (w: World, clock = w.clock, settings = SETTINGS) => ({ sequelize: w.db.sequelize, clock, settings });
let n = 0;
async function newAccount(password = PASSWORD, cost = 10) {
  n++;
  return Collaborator.create({ fullName: `Temp Person${n}`, email: `temp${n}@epic.test`, role: 'support', passwordHash: await bcrypt.hash(password, cost) });
}

test('unknown email and wrong password give the same message, both after a bcrypt comparison', async (t) => {
  const { w } = t.context;
  const account = await newAccount();
  const time = async (email: string) => {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const start = process.hrtime.bigint();
      const error = await t.throwsAsync(authenticate(deps(w), email, 'wrong password entirely'), { instanceOf: AuthenticationFailed });
      t.is(error?.message, LOGIN_FAILED);
      best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
    }
    return best;
  };
  const unknown = await time('nobody@epic.test');
  const wrong = await time(account.email);
  // Both pay a cost-10 bcrypt comparison (tens of milliseconds); neither answers early.
  t.true(unknown > wrong / 3, `unknown email took ${unknown} ms, wrong password ${wrong} ms`);
  await account.destroy();
});

test('five failures in a row lock the account for 15 minutes, kept in the database', async (t) => {
  const { w } = t.context;
  const clock = new ManualClock();
  const account = await newAccount();
  for (let i = 0; i < 5; i++) await t.throwsAsync(authenticate(deps(w, clock), account.email, 'not the password at all'));
  await account.reload();
  t.deepEqual(account.lockedUntil, new Date(clock.now().getTime() + 15 * 60_000));
  await t.throwsAsync(authenticate(deps(w, clock), account.email, PASSWORD), { message: LOGIN_FAILED });
  clock.advance(14);
  await t.throwsAsync(authenticate(deps(w, clock), account.email, PASSWORD), { message: LOGIN_FAILED });
  clock.advance(1);
  const back = await authenticate(deps(w, clock), account.email, PASSWORD);
  t.is(back.id, account.id);
  await back.reload();
  t.is(back.lockedUntil, null);
  t.is(back.failedLoginCount, 0);
});

test('a successful login resets the failure counter', async (t) => {
  const { w } = t.context;
  const clock = new ManualClock();
  const account = await newAccount();
  for (let i = 0; i < 4; i++) await t.throwsAsync(authenticate(deps(w, clock), account.email, 'not the password at all'));
  await authenticate(deps(w, clock), account.email, PASSWORD);
  for (let i = 0; i < 4; i++) await t.throwsAsync(authenticate(deps(w, clock), account.email, 'not the password at all'));
  await account.reload();
  t.is(account.lockedUntil, null);
  t.is(account.failedLoginCount, 4);
});

test('a hash of a lower cost is upgraded at login', async (t) => {
  const { w } = t.context;
  const account = await newAccount(PASSWORD, 10);
  await authenticate(deps(w, w.clock, { ...SETTINGS, bcryptCost: 11 }), account.email, PASSWORD);
  await account.reload();
  t.is(bcrypt.getRounds(account.passwordHash), 11);
  t.true(await bcrypt.compare(PASSWORD, account.passwordHash));
});

test('each password rule says which rule failed', (t) => {
  const owner = { fullName: 'Alice Martin', email: 'alice.martin@epic-events.fr' };
  const rule = (password: string) => t.throws(() => assertPasswordAcceptable(password, owner), { instanceOf: ValidationError })?.message;
  t.regex(rule('short phrase')!, /at least 15 characters/);
  t.regex(rule('é'.repeat(40))!, /at most 72 bytes/);
  t.regex(rule('1qaz2wsx3edc4rfv')!, /most common passwords/);
  t.regex(rule('passwordpassword')!, /most common passwords/);
  t.regex(rule('aaaaaaaaaaaaaaaaaaaa')!, /most common passwords/);
  t.regex(rule('my name is alice, hello')!, /your name or email/);
  t.regex(rule('martin-the-great-2026')!, /your name or email/);
  t.regex(rule('i love epic events a lot')!, /company's name/);
  t.notThrows(() => assertPasswordAcceptable('correct horse battery staple', owner));
  t.notThrows(() => assertPasswordAcceptable('a'.repeat(15) + 'é'.repeat(28), owner));
});

test('a password that differs only after byte 72 does not log in', async (t) => {
  const { w } = t.context;
  const stored = 'x'.repeat(72) + 'stored tail';
  const account = await newAccount(stored);
  await t.throwsAsync(authenticate(deps(w), account.email, 'x'.repeat(72) + 'other tail'), { instanceOf: AuthenticationFailed });
  await t.throwsAsync(authenticate(deps(w), account.email, stored), { instanceOf: AuthenticationFailed });
  const exact = await newAccount('y'.repeat(72));
  t.is((await authenticate(deps(w), exact.email, 'y'.repeat(72))).id, exact.id);
});

test.serial('an account with a one-time password must run passwd before anything else', async (t) => {
  const { w } = t.context;
  const reset = await w.as(w.manager, (ctx) => resetPassword(ctx, 'pia@epic.test', 'temporary phrase for her', { bcryptCost: 10, tokens: cryptoTokens }));
  t.is(reset.generatedPassword, undefined);
  const shell = shellHarness(w.db, w.clock, { prompt: scriptedPrompter(['temporary phrase for her', 'my very own phrase now', 'my very own phrase now']) });
  await shell.loginAs('pia@epic.test', 'temporary phrase for her');
  t.is(await shell.run('event list'), 4);
  t.regex(shell.stderr.text(), /choose your own with `passwd` first/);
  t.is(await shell.run('whoami'), 0);
  t.is(await shell.run('passwd'), 0);
  t.is(await shell.run('event list'), 0);
  t.false((await Collaborator.findByPk(w.otherSupport.id))!.mustChangePassword);
  await shell.session.logout();
  await shell.loginAs('pia@epic.test', 'my very own phrase now');
});

test('the shell locks after the idle time and ends after the session hours', async (t) => {
  const { w } = t.context;
  const clock = new ManualClock();
  const account = await newAccount();
  const prompt = scriptedPrompter(['wrong guess at the lock', PASSWORD]);
  const session = new ShellSession(testApp(w.db, clock), prompt);
  await session.login(account.email, PASSWORD);
  clock.advance(29);
  t.is((await session.actor()).id, account.id);
  t.is(prompt.asked.length, 0);
  clock.advance(30);
  t.true(session.isIdle());
  await t.throwsAsync(session.actor(), { instanceOf: AuthenticationFailed });
  await account.reload();
  t.is(account.failedLoginCount, 1, 'a wrong password at the lock counts as a failed login');
  t.is((await session.actor()).id, account.id);
  t.is(prompt.asked.length, 2);
  // Busy all day (never idle): 59 minutes so far, then a command every 25 minutes to 709.
  for (let i = 0; i < 26; i++) {
    clock.advance(25);
    await session.actor();
  }
  clock.advance(20);
  await t.throwsAsync(session.actor(), { instanceOf: NotLoggedIn, message: /over after 12 hours/ });
});

test('help and exit stay available without the password on a locked shell', async (t) => {
  const { w } = t.context;
  const clock = new ManualClock();
  const shell = shellHarness(w.db, clock, { prompt: scriptedPrompter([]) });
  await shell.loginAs('sam@epic.test');
  clock.advance(45);
  t.is(await shell.run('help'), 0);
  t.regex(shell.stderr.text(), /client create/, 'help still lists the role\'s commands');
  t.is(await shell.run('exit'), 0);
  t.true(shell.runner.exitRequested);
});

function tempConfigDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'epic-config-'));
}

test('the token file is private, and a readable or foreign one is refused', (t) => {
  const dir = path.join(tempConfigDir(), 'epic-events');
  writeToken(dir, 'token-value');
  t.is(fs.statSync(dir).mode & 0o777, 0o700);
  t.is(fs.statSync(tokenFilePath(dir)).mode & 0o777, 0o600);
  t.is(readToken(dir), 'token-value');
  fs.chmodSync(tokenFilePath(dir), 0o644);
  t.throws(() => readToken(dir), { instanceOf: TokenFileError, message: /others may read it \(mode 644\)/ });
  fs.rmSync(tokenFilePath(dir));
  fs.symlinkSync('/etc/hostname', tokenFilePath(dir));
  t.throws(() => readToken(dir), { instanceOf: TokenFileError, message: /not a regular file/ });
});

test.serial('one-shot tokens: stored hashed, expire when idle or old, revoked by reset, role change and logout', async (t) => {
  const { w } = t.context;
  const clock = new ManualClock();
  const app = testApp(w.db, clock);
  const dir = app.config.configDir;
  const account = await newAccount();
  const session = () => new TokenSession(app);
  await session().login(account.email, PASSWORD);
  const token = readToken(dir)!;
  t.true(token.length >= 22, 'at least 128 bits');
  const rows = await Session.findAll({ where: { collaboratorId: account.id } });
  t.is(rows.length, 1);
  t.not(rows[0].tokenHash, token);
  t.is((await session().actor()).id, account.id);

  clock.advance(31);
  await t.throwsAsync(session().actor(), { instanceOf: NotLoggedIn, message: /expired or was revoked/ });

  await session().login(account.email, PASSWORD);
  for (let i = 0; i < 24; i++) {
    clock.advance(29);
    await session().actor();
  }
  clock.advance(29);
  await t.throwsAsync(session().actor(), { instanceOf: NotLoggedIn }, 'absolute expiry after 12 hours');

  await session().login(account.email, PASSWORD);
  await w.as(w.manager, (ctx) => resetPassword(ctx, account.email, undefined, { bcryptCost: 10, tokens: cryptoTokens }));
  await t.throwsAsync(session().actor(), { instanceOf: NotLoggedIn }, 'reset-password revokes');

  await account.reload();
  await account.update({ passwordHash: await bcrypt.hash(PASSWORD, 10), mustChangePassword: false });
  await session().login(account.email, PASSWORD);
  await w.as(w.manager, (ctx) => updateCollaborator(ctx, account.email, { role: 'sales' }));
  await t.throwsAsync(session().actor(), { instanceOf: NotLoggedIn }, 'a role change revokes');

  await session().login(account.email, PASSWORD);
  await session().logout();
  t.false(fs.existsSync(tokenFilePath(dir)));
  t.is(await Session.count({ where: { collaboratorId: account.id } }), 0);
});

test.serial('no bcrypt hash appears in any output', async (t) => {
  const { w } = t.context;
  const shell = shellHarness(w.db, w.clock);
  await shell.loginAs('maud@epic.test');
  for (const line of ['collaborator list --format json', 'collaborator show Sam Sales --format json', 'whoami --format csv', 'collaborator list', 'collaborator show maud@epic.test']) {
    t.is(await shell.run(line), 0, line);
  }
  const output = shell.stdout.text() + shell.stderr.text();
  t.true(output.includes('sam@epic.test'));
  t.false(/\$2[aby]\$/.test(output));
  t.false(output.toLowerCase().includes('passwordhash'));
});
