import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import anyTest, { type TestFn } from 'ava';
import bcrypt from 'bcrypt';
import { QueryTypes } from 'sequelize';
import { ManualClock } from '../lib/clock';
import { AuthenticationFailed, NotLoggedIn, ValidationError } from '../lib/errors';
import { logIn, loginFailedMessage } from '../lib/services/auth';
import { resetPassword, updateCollaborator } from '../lib/services/collaborators';
import { assertPasswordAcceptable, normalisePassword } from '../lib/services/passwords';
import { cryptoTokens } from '../lib/services/settings';
import { TokenSession } from '../lib/session/token-session';
import { readToken, TokenFileError, tokenFilePath, writeToken } from '../lib/session/token-file';
import { Collaborator } from '../models';
import { freshDatabase } from './helpers/database';
import { testApp } from './helpers/app';
import { scriptedPrompter, shellHarness } from './helpers/shell';
import { buildWorld, insertCollaborator, PASSWORD, type World } from './helpers/world';

/** Logins, passwords and sessions, decided by PostgreSQL and used as the runtime role. */
const test = anyTest as TestFn<{ w: World }>;

test.before(async (t) => {
  t.context.w = await buildWorld(await freshDatabase());
});
test.after.always(async (t) => {
  await t.context.w?.db.drop();
});

const FAILED = loginFailedMessage({ maxFailedLogins: 5, lockMinutes: 15 });
const deps = (w: World) => ({ sequelize: w.db.sequelize, clock: w.clock });
let n = 0;
async function newAccount(w: World, password = PASSWORD, cost = 10) {
  n++;
  return insertCollaborator(w.db, { fullName: `Temp Person${n}`, email: `temp${n}@epic.test`, role: 'support', passwordHash: await bcrypt.hash(password, cost) });
}

/** What only the owner may read: the stored hash and the lock-out bookkeeping. */
async function secrets(w: World, id: number) {
  const [row] = await w.db.owner.query<{ passwordHash: string; failedLoginCount: number; lockedUntil: Date | null }>(
    'SELECT "passwordHash", "failedLoginCount", "lockedUntil" FROM collaborators WHERE id = $1',
    { bind: [id], type: QueryTypes.SELECT },
  );
  return row;
}

/**
 * Moves a collaborator's sessions back in time, as the database's clock would see them later:
 * unused for `minutes` ('idle'), or opened more than the session hours ago ('expired').
 */
async function age(w: World, id: number, how: 'idle' | 'expired', minutes: number) {
  const set =
    how === 'idle'
      ? `"lastUsedAt" = now() - make_interval(mins => $1)`
      : `"createdAt" = now() - interval '13 hours', "lastUsedAt" = now() - interval '2 minutes', "expiresAt" = now() - make_interval(mins => $1)`;
  await w.db.owner.query(`UPDATE sessions SET ${set} WHERE "collaboratorId" = $2`, { bind: [minutes, id] });
}

const sessionsOf = async (w: World, id: number) =>
  (await w.db.owner.query<{ count: string }>('SELECT count(*) FROM sessions WHERE "collaboratorId" = $1', { bind: [id], type: QueryTypes.SELECT }))[0].count;


test.serial('five failures lock the account; only the right password learns it, and not before the lock ends', async (t) => {
  const { w } = t.context;
  const account = await newAccount(w);
  for (let i = 0; i < 5; i++) await t.throwsAsync(logIn(deps(w), account.email, 'not the password at all'), { message: FAILED });
  const locked = await secrets(w, account.id);
  t.is(locked.failedLoginCount, 5, 'the count goes on when a lock starts');
  const minutes = (locked.lockedUntil!.getTime() - Date.now()) / 60_000;
  t.true(minutes > 14 && minutes <= 15, `locked for ${minutes} minutes`);
  await t.throwsAsync(logIn(deps(w), account.email, 'not the password at all'), { message: FAILED }, 'a wrong password says nothing of the lock');
  await t.throwsAsync(logIn(deps(w), account.email, PASSWORD), { instanceOf: AuthenticationFailed, message: /locked until \d{4}-\d{2}-\d{2} \d{2}:\d{2}/ });
  t.is((await secrets(w, account.id)).failedLoginCount, 5, 'attempts while locked do not count');
  await w.db.owner.query(`UPDATE collaborators SET "lockedUntil" = now() - interval '1 second' WHERE id = $1`, { bind: [account.id] });
  const back = await logIn(deps(w), account.email, PASSWORD);
  t.is(back.actor.id, account.id);
  t.like(await secrets(w, account.id), { failedLoginCount: 0, lockedUntil: null });
});

test.serial('an account locked with no end is shown so, says so at login, and a reset unlocks it', async (t) => {
  const { w } = t.context;
  const account = await newAccount(w);
  await w.db.owner.query(`UPDATE collaborators SET "failedLoginCount" = 100, "lockedUntil" = 'infinity' WHERE id = $1`, { bind: [account.id] });
  await t.throwsAsync(logIn(deps(w), account.email, PASSWORD), { instanceOf: AuthenticationFailed, message: /ask a manager to reset your password/ });
  const shell = shellHarness(w.db, w.clock);
  await shell.loginAs('maud@epic.test');
  t.is(await shell.run(`collaborator show ${account.email}`), 0, shell.stderr.text());
  t.regex(shell.stdout.text(), /until a manager resets the password/);
  t.is(await shell.run(`collaborator list --format json --all`), 0, shell.stderr.text());
  await resetTo(w, account.email, 'a one time phrase for them');
  t.is((await logIn(deps(w), account.email, 'a one time phrase for them')).actor.id, account.id);
});

test.serial('a hash of a lower cost is upgraded at login, and still checks with the bcrypt package', async (t) => {
  const { w } = t.context;
  const account = await newAccount(w, PASSWORD, 10);
  await w.db.owner.query('UPDATE security_policy SET "bcryptCost" = 11');
  try {
    await logIn(deps(w), account.email, PASSWORD);
  } finally {
    await w.db.owner.query('UPDATE security_policy SET "bcryptCost" = 10');
  }
  const { passwordHash } = await secrets(w, account.id);
  t.is(bcrypt.getRounds(passwordHash), 11);
  t.true(await bcrypt.compare(PASSWORD, passwordHash));
});

test('each password rule says which rule failed; accents and other scripts count as characters', (t) => {
  const owner = { fullName: 'Alice Martin', email: 'alice.martin@epic-events.fr' };
  const rule = (password: string) => t.throws(() => assertPasswordAcceptable(password, owner), { instanceOf: ValidationError })?.message;
  t.regex(rule('short phrase')!, /at least 15 characters/);
  t.regex(rule('x'.repeat(257))!, /at most 256 characters/);
  t.regex(rule('1qaz2wsx3edc4rfv')!, /most common passwords/);
  t.regex(rule('passwordpassword')!, /most common passwords/);
  t.regex(rule('aaaaaaaaaaaaaaaaaaaa')!, /most common passwords/);
  t.regex(rule('my name is alice, hello')!, /your name or email/);
  t.regex(rule('martin-the-great-2026')!, /your name or email/);
  t.regex(rule('i love epic events a lot')!, /company's name/);
  t.notThrows(() => assertPasswordAcceptable('correct horse battery staple', owner));
  t.notThrows(() => assertPasswordAcceptable('été à la plage près du phare, où les mouettes rêvent', owner));
  t.notThrows(() => assertPasswordAcceptable('雨の日に静かな図書館で古い物語を読む', owner));
});

test('normalisation: NFC, and a versioned SHA-256 pre-hash above 72 bytes only', (t) => {
  const nfd = 'cafe\u0301 cre\u0300me bru\u0302le\u0301e';
  t.is(normalisePassword(nfd), nfd.normalize('NFC'));
  t.is(normalisePassword('y'.repeat(72)), 'y'.repeat(72), 'at most 72 bytes: unchanged, so existing hashes stay valid');
  const long = 'é'.repeat(40);
  t.is(normalisePassword(long), `sha256:${crypto.createHash('sha256').update(long, 'utf8').digest('base64')}`);
  t.is(normalisePassword(long.normalize('NFD')), normalisePassword(long));
  t.true(Buffer.byteLength(normalisePassword(long)) <= 72);
});

/** A password set through reset-password (so hashed by PostgreSQL as the application sends it). */
async function resetTo(w: World, email: string, password: string) {
  await w.as(w.manager, (ctx) => resetPassword(ctx, email, password, { tokens: cryptoTokens }));
}

test.serial('NFC and NFD spellings of a password are the same password, old hashes included', async (t) => {
  const { w } = t.context;
  const nfc = 'une journée très ensoleillée';
  const nfd = nfc.normalize('NFD');
  t.not(nfc, nfd);
  // A hash written by the bcrypt package from the NFC text, as before this version.
  const old = await newAccount(w, nfc);
  t.is((await logIn(deps(w), old.email, nfd)).actor.id, old.id);
  t.is((await logIn(deps(w), old.email, nfc)).actor.id, old.id);
  // Set in NFD through the database, typed in NFC.
  const fresh = await newAccount(w);
  await resetTo(w, fresh.email, nfd);
  t.is((await logIn(deps(w), fresh.email, nfc)).actor.id, fresh.id);
});

test.serial('a 64-character accented passphrase is accepted, and every character of it counts', async (t) => {
  const { w } = t.context;
  const passphrase = 'éléphant égaré à côté d’où l’été était très ému, ô désespéré là!';
  t.is([...passphrase].length, 64);
  t.true(Buffer.byteLength(passphrase) > 72);
  const account = await newAccount(w);
  await resetTo(w, account.email, passphrase);
  t.is((await logIn(deps(w), account.email, passphrase)).actor.id, account.id);
  t.is((await logIn(deps(w), account.email, passphrase.normalize('NFD'))).actor.id, account.id);
  // Same first 72 bytes, another ending: bcrypt alone would have said yes.
  await t.throwsAsync(logIn(deps(w), account.email, `${passphrase.slice(0, -2)}xx`), { instanceOf: AuthenticationFailed });
  const exact = await newAccount(w, 'y'.repeat(72));
  t.is((await logIn(deps(w), exact.email, 'y'.repeat(72))).actor.id, exact.id, 'a 72-byte password hashed by the bcrypt package still logs in');
});

test.serial('an account with a one-time password must run passwd before anything else', async (t) => {
  const { w } = t.context;
  const reset = await w.as(w.manager, (ctx) => resetPassword(ctx, 'pia@epic.test', 'temporary phrase for her', { tokens: cryptoTokens }));
  t.is(reset.generatedPassword, undefined);
  const shell = shellHarness(w.db, w.clock, { prompt: scriptedPrompter(['temporary phrase for her', 'my very own phrase now', 'my very own phrase now']) });
  await shell.loginAs('pia@epic.test', 'temporary phrase for her');
  t.is(await shell.run('event list'), 4);
  t.regex(shell.stderr.text(), /choose your own with `passwd` first/);
  t.is(await shell.run('whoami'), 0);
  t.is(await shell.run('passwd'), 0);
  t.is(await shell.run('event list'), 0);
  const pia = await w.as(w.otherSupport, (ctx) => Collaborator.findByPk(w.otherSupport.id, { transaction: ctx.transaction, rejectOnEmpty: true }));
  t.false(pia.mustChangePassword);
  await shell.session.logout();
  await shell.loginAs('pia@epic.test', 'my very own phrase now');
});

test.serial('an idle shell asks for the password again (a wrong one counts) and goes on with a fresh session', async (t) => {
  const { w } = t.context;
  const account = await newAccount(w);
  const prompt = scriptedPrompter(['wrong guess at the lock', PASSWORD]);
  const shell = shellHarness(w.db, new ManualClock(), { prompt });
  await shell.loginAs(account.email);
  t.is(await shell.run('whoami'), 0);
  t.is(prompt.asked.length, 0);
  await age(w, account.id, 'idle', 31);
  shell.stdout.clear();
  t.is(await shell.run('whoami'), 4);
  t.regex(shell.stderr.text(), /wrong email or password/);
  t.is((await secrets(w, account.id)).failedLoginCount, 1, 'a wrong password at the lock counts as a failed login');
  t.regex(prompt.asked[0], /Locked after 30 idle minutes/);
  t.is(await shell.run('whoami --format json'), 0);
  t.is(JSON.parse(shell.stdout.text()).email, account.email);
  t.is(prompt.asked.length, 2);
  t.is(await sessionsOf(w, account.id), '1', 'the idle session was replaced, not kept');
});

test.serial('a shell past its session hours is logged out', async (t) => {
  const { w } = t.context;
  const account = await newAccount(w);
  const shell = shellHarness(w.db, new ManualClock(), { prompt: scriptedPrompter([]) });
  await shell.loginAs(account.email);
  await age(w, account.id, 'expired', 1);
  t.is(await shell.run('whoami'), 4);
  t.regex(shell.stderr.text(), /session is over after 12 hours: log in again/);
  t.is(shell.session.role(), undefined);
});

test.serial('help and exit stay available without the password on a locked shell', async (t) => {
  const { w } = t.context;
  const shell = shellHarness(w.db, new ManualClock(), { prompt: scriptedPrompter([]) });
  await shell.loginAs('sam@epic.test');
  await age(w, w.sales.id, 'idle', 45);
  t.is(await shell.run('help'), 0);
  t.regex(shell.stderr.text(), /client create/, "help still lists the role's commands");
  t.is(await shell.run('exit'), 0);
  t.true(shell.runner.exitRequested);
});

function tempConfigDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'epic-config-'));
}

test('the token file is private, and a readable or foreign one is refused', (t) => {
  const root = tempConfigDir();
  t.teardown(() => fs.rmSync(root, { recursive: true, force: true }));
  const dir = path.join(root, 'epic-events');
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
  const app = testApp(w.db, new ManualClock());
  const dir = app.config.configDir;
  const account = await newAccount(w);
  const session = () => new TokenSession(app);
  const whoami = () => session().inSession(() => undefined, async (ctx) => ctx.actor.id);
  await session().login(account.email, PASSWORD);
  const token = readToken(dir)!;
  t.true(token.length >= 32, 'at least 128 bits');
  const [row] = await w.db.owner.query<{ tokenHash: string }>('SELECT "tokenHash" FROM sessions WHERE "collaboratorId" = $1', { bind: [account.id], type: QueryTypes.SELECT });
  t.is(row.tokenHash, crypto.createHash('sha256').update(token).digest('hex'), 'only the SHA-256 of the token is stored');
  t.is(await whoami(), account.id);

  await age(w, account.id, 'idle', 31);
  await t.throwsAsync(whoami(), { instanceOf: NotLoggedIn, message: /session has expired/ });

  await session().login(account.email, PASSWORD);
  await age(w, account.id, 'expired', 1);
  await t.throwsAsync(whoami(), { instanceOf: NotLoggedIn, message: /session has expired/ }, 'absolute expiry');

  await session().login(account.email, PASSWORD);
  await resetTo(w, account.email, 'a brand new phrase for them');
  await t.throwsAsync(whoami(), { instanceOf: NotLoggedIn, message: /session ended/ }, 'reset-password revokes');

  await w.db.owner.query('UPDATE collaborators SET "passwordHash" = $1, "mustChangePassword" = false WHERE id = $2', { bind: [await bcrypt.hash(PASSWORD, 10), account.id] });
  await session().login(account.email, PASSWORD);
  await w.as(w.manager, (ctx) => updateCollaborator(ctx, account.email, { role: 'sales' }, PASSWORD));
  await t.throwsAsync(whoami(), { instanceOf: NotLoggedIn, message: /session ended/ }, 'a role change revokes');

  await session().login(account.email, PASSWORD);
  await session().logout();
  t.false(fs.existsSync(tokenFilePath(dir)));
  t.is(await sessionsOf(w, account.id), '0');
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
