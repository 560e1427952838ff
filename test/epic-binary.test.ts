import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import anyTest, { type TestFn } from 'ava';
import { freshDatabase, type TestDatabase } from './helpers/database';
import { EPIC, epicUser } from './helpers/epic';
import { parseTsv } from './helpers/shell';
import { insertCollaborator, insertRow, PASSWORD, signIn } from './helpers/world';

/**
 * End to end through the real `epic` binary: setup on an empty database, then a day's work on
 * a small company of its own, where each test starts from the fixtures (accounts whose
 * password is PASSWORD) rather than from what another test left. Logins are tested in the
 * first two tests; the others start from a session the owner opened.
 */
const test = anyTest as TestFn<{ empty: TestDatabase; db: TestDatabase; alice: number; sara: number }>;

test.before(async (t) => {
  t.context.empty = await freshDatabase();
  const db = await freshDatabase();
  t.context.db = db;
  t.context.alice = (await insertCollaborator(db, { fullName: 'Alice Martin', email: 'alice@epic-events.fr', role: 'management' })).id;
  // Hired with a one-time password: passwd comes first.
  await insertCollaborator(db, { fullName: 'Sam Sales', email: 'sam@epic-events.fr', role: 'sales', mustChangePassword: true });
  const sara = await insertCollaborator(db, { fullName: 'Sara Script', email: 'sara@epic-events.fr', role: 'sales' });
  t.context.sara = sara.id;
  await insertRow(db, 'clients', { fullName: 'Pierre Pipe', email: 'pierre@pipe.fr', phone: '+33612457800', salesContactId: sara.id });
});
test.after.always(async (t) => {
  await Promise.all([t.context.empty?.drop(), t.context.db?.drop()]);
});

const MANAGER_PASSWORD = 'the quick brown fox at dawn';

test('setup creates the first manager once; the manager logs in and hires', async (t) => {
  const manager = epicUser(t.context.empty.url);
  const version = await manager.run(['--version']);
  t.is(version.code, 0);
  t.regex(version.stdout, /^\d+\.\d+\.\d+\n$/);

  t.is((await manager.run(['client', 'list'])).code, 4, 'not logged in');

  const setup = await manager.run(['setup', '--name', 'Alice Martin', '--email', 'alice@epic-events.fr', '--password-stdin'], `${MANAGER_PASSWORD}\n`);
  t.is(setup.code, 0, setup.stderr);
  const again = await manager.run(['setup', '--name', 'Eve Intruder', '--email', 'eve@evil.test', '--password-stdin'], 'another long password phrase\n');
  t.is(again.code, 1);
  t.regex(again.stderr, /only for an empty database/);

  const wrong = await manager.run(['login', 'alice@epic-events.fr', '--password-stdin'], 'not the right password\n');
  t.is(wrong.code, 4);
  const unknown = await manager.run(['login', 'nobody@epic-events.fr', '--password-stdin'], 'not the right password\n');
  t.is(unknown.stderr, wrong.stderr, 'the same message whether the email exists or not');

  const login = await manager.run(['login', 'alice@epic-events.fr', '--password-stdin'], `${MANAGER_PASSWORD}\n`);
  t.is(login.code, 0, login.stderr);
  const tokenFile = path.join(manager.env.XDG_CONFIG_HOME, 'epic-events', 'session');
  t.is(fs.statSync(tokenFile).mode & 0o777, 0o600);

  const hire = await manager.run(['collaborator', 'create', '--name', 'Sam Sales', '--email', 'sam@epic-events.fr', '--role', 'commercial', '--password-stdin'], 'first day password phrase\n');
  t.is(hire.code, 0, hire.stderr);
  t.regex(hire.stderr, /must choose a new password at their next login/);
  t.false(hire.stdout.includes('first day password phrase'));
  const generated = await manager.run(['collaborator', 'create', '--name', 'Paul Support', '--email', 'paul@epic-events.fr', '--role', 'support']);
  t.is(generated.code, 0, generated.stderr);
  t.regex(generated.stderr, /One-time password \(shown only now\): \S{20}/);

  const client = await manager.run(['client', 'create', '--name', 'X', '--email', 'x@x.test', '--phone', '0612345678']);
  t.is(client.code, 4);
  t.regex(client.stderr, /"client create" is not available to management/);
});

test('a salesperson: one-time password, then clients; exit codes 0, 1, 2 and 4', async (t) => {
  const sam = epicUser(t.context.db.url);
  t.is((await sam.run(['login', 'sam@epic-events.fr', '--password-stdin'], `${PASSWORD}\n`)).code, 0);
  const blocked = await sam.run(['client', 'list']);
  t.is(blocked.code, 4);
  t.regex(blocked.stderr, /passwd/);
  const passwd = await sam.run(['passwd', '--password-stdin'], `${PASSWORD}\nhe keeps a secret phrase\n`);
  t.is(passwd.code, 0, passwd.stderr);

  const help = await sam.run(['help']);
  t.is(help.code, 0);
  t.regex(help.stderr, /client create/);
  t.false(help.stderr.includes('collaborator list'), 'help lists only what a salesperson may run');

  const created = await sam.run(['client', 'create', '--name', 'Kevin Casey', '--email', 'kevin@startup.io', '--phone', '06 78 65 30 30', '--company', 'Cool Startup LLC']);
  t.is(created.code, 0, created.stderr);
  t.is(parseTsv(created.stdout)[0].phone, 'tel:+33678653030', 'RFC 3966 form in TSV: README, "Output formats"');

  t.is((await sam.run(['client', 'show', 'kevin', 'casey'])).code, 0);
  // Searches and name order name the model in SQL: the bundle must keep the model names.
  const search = await sam.run(['client', 'list', '--search', 'STARTUP', '--format', 'json']);
  t.is(search.code, 0, search.stderr);
  t.deepEqual(JSON.parse(search.stdout).map((c: { fullName: string }) => c.fullName), ['Kevin Casey']);
  t.is((await sam.run(['client', 'show', 'Nobody Here'])).code, 1, 'not found');
  t.is((await sam.run(['client', 'create', '--name', 'Y', '--email', 'not-an-email', '--phone', '0612345678'])).code, 1, 'bad input');
  t.is((await sam.run(['client', 'list', '--bogus'])).code, 2, 'usage');
  t.is((await sam.run(['collaborator', 'list'])).code, 4, 'permission');
  const del = await sam.run(['client', 'delete', 'Kevin Casey']);
  t.is(del.code, 2);
  t.regex(del.stderr, /--yes/);
});

test('commands piped on standard input run in order and stop at the first failure', async (t) => {
  const sara = epicUser(t.context.db.url);
  await signIn(sara, t.context.db, t.context.sara);
  const script = [
    '# a comment',
    'client create --name "Jean Ouick" --email jean@ouick.fr --phone 0612457890',
    'client show Jean Ouick --format json',
    'client show Nobody At All',
    'client create --name Never Made --email never@made.fr --phone 0612457891',
  ].join('\n');
  const result = await sara.run([], script);
  t.is(result.code, 1);
  t.is(JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))).email, 'jean@ouick.fr');
  t.regex(result.stderr, /no client named "Nobody At All"/);
  t.is((await sara.run(['client', 'show', 'Never Made'])).code, 1, 'the line after the failure did not run');
});

test('a pipe gets plain CSV without escape codes, and logout revokes the session', async (t) => {
  const manager = epicUser(t.context.db.url);
  await signIn(manager, t.context.db, t.context.alice);
  t.is((await manager.run(['contract', 'create', '--client', 'Pierre Pipe', '--total', '1500.50'])).code, 0);
  const piped = execFileSync('sh', ['-c', `node ${EPIC} contract list --unsigned --format csv | cat`], { env: manager.env, encoding: 'utf8' });
  t.false(piped.includes('\u001b['));
  t.regex(piped, /^id,client,salesContact,totalAmount,amountDue,signed,signedAt,createdAt\r\n\d+,Pierre Pipe,Sara Script,1500\.50,1500\.50,no,,/);
  const logout = await manager.run(['logout']);
  t.is(logout.code, 0);
  t.false(fs.existsSync(path.join(manager.env.XDG_CONFIG_HOME, 'epic-events', 'session')));
  t.is((await manager.run(['contract', 'list'])).code, 4);
});

test('client list --all streams through a pipe the same CSV as the whole list, formula names neutralised', async (t) => {
  const manager = epicUser(t.context.db.url);
  await signIn(manager, t.context.db, t.context.alice);
  await t.context.db.owner.query(`INSERT INTO clients ("fullName", email, phone, "salesContactId", "createdAt", "updatedAt", version)
    SELECT '=HYPERLINK("x") ' || i, 'formula' || i || '@bulk.test', '+3361' || lpad(i::text, 7, '0'), (SELECT id FROM collaborators WHERE email = 'sara@epic-events.fr'), now(), now(), 0
      FROM generate_series(1, 40) i`);
  // Only these clients: other tests add theirs meanwhile.
  const csv = (args: string) => execFileSync('sh', ['-c', `node ${EPIC} client list --search hyperlink ${args} --format csv | cat`], { env: manager.env, encoding: 'utf8' });
  const streamed = csv('--all');
  t.is(streamed, csv('--limit 10000'));
  t.regex(streamed, /\r\n\d+,"'=HYPERLINK\(""x""\) 1",formula1@bulk\.test,tel:\+33610000001,/);
  t.is(streamed.split('\r\n').length, 40 + 2);
});
