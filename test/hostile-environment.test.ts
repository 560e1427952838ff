import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import anyTest, { type TestFn } from 'ava';
import { embeddedStatus } from '../lib/db/embedded';
import { projectRoot } from '../lib/paths';
import { removeEmbeddedDatabase } from './helpers/cluster';
import { emptyDatabase, freshDatabase, runtimeUrlOf } from './helpers/database';
import { epicUser } from './helpers/epic';
import { epicUserInProcess } from './helpers/epic-in-process';
import { shellHarness } from './helpers/shell';
import { buildWorld, insertRow, PASSWORD, signIn, type World } from './helpers/world';

/**
 * What the working folder, the environment and the files of a session can do to the process
 * (README, "Configuration" and "From the system shell and scripts"): through the real `epic`
 * binary where the process's environment is the point, elsewhere as `epic` runs a command
 * (`main` in this process, with the user's environment and folder: helpers/epic-in-process.ts).
 */
const test = anyTest as TestFn<{ w: World; empty: Awaited<ReturnType<typeof emptyDatabase>> }>;

test.before(async (t) => {
  t.context.w = await buildWorld(await freshDatabase());
  // Not migrated, and without a connection of this process: the binary migrates it.
  t.context.empty = await emptyDatabase();
});
test.after.always(async (t) => {
  await t.context.w?.db.drop();
  await t.context.empty?.drop();
});

function writeDotEnv(dir: string, content: string, mode = 0o600): string {
  const file = path.join(dir, '.env');
  fs.writeFileSync(file, content, { mode });
  fs.chmodSync(file, mode);
  return file;
}

const isRoot = process.getuid?.() === 0;

test('NODE_OPTIONS in a .env runs nothing, and the embedded database processes get none of the caller environment', async (t) => {
  const user = epicUser('unused');
  const dataDir = path.join(user.home, 'data');
  t.teardown(() => removeEmbeddedDatabase(dataDir));
  const marker = path.join(user.home, 'code-ran');
  const evil = path.join(user.home, 'evil.js');
  fs.writeFileSync(evil, `require('node:fs').writeFileSync(${JSON.stringify(marker)}, String(process.pid));\n`);
  const dotEnv = writeDotEnv(user.home, `NODE_OPTIONS=--require=${evil}\nHTTPS_PROXY=http://127.0.0.1:9\nEPIC_DB_IDLE_MINUTES=2\n`);

  const result = await user.run(['login', 'nobody@epic.test', '--password-stdin'], 'not a password of anyone\n', { DATABASE_URL: undefined, EPIC_CANARY: 'caller-only' });
  t.is(result.code, 4, result.stderr);
  t.true(result.stderr.includes(`warning: ignoring NODE_OPTIONS, HTTPS_PROXY in ${dotEnv}: only DATABASE_URL, EPIC_*, SENTRY_*, TZ and NO_COLOR are read from it`), result.stderr);

  const status = embeddedStatus(dataDir);
  t.true(status.running);
  const watchdog = Number(fs.readFileSync(path.join(dataDir, 'db-watchdog.pid'), 'utf8'));
  for (const pid of [status.pid!, watchdog]) {
    const names = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean).map((pair) => pair.split('=')[0]);
    const leaked = names.filter((name) => name !== 'PATH' && (name in user.env || ['EPIC_CANARY', 'NODE_OPTIONS', 'HTTPS_PROXY'].includes(name)));
    t.deepEqual(leaked, [], `environment of ${pid}: ${names.join(' ')}`);
  }
  // The watchdog is a Node.js process: the planted module would have run as it started.
  await new Promise((resolve) => setTimeout(resolve, 500));
  t.false(fs.existsSync(marker), 'the module named in .env ran');
});

test('a .env that others may change, of another user, or a link is ignored with a warning', async (t) => {
  const user = epicUserInProcess('postgres://postgres@127.0.0.1:1/epic');
  // A value that would stop every command if it were read.
  const dotEnv = writeDotEnv(user.home, 'EPIC_IDLE_MINUTES=soon\n');
  const read = await user.run(['db', 'status']);
  t.is(read.code, 2);
  t.is(read.stderr, `error: EPIC_IDLE_MINUTES (set in ${dotEnv}) must be a positive number, not "soon"\n`);

  fs.chmodSync(dotEnv, 0o664);
  const groupWritable = await user.run(['db', 'status']);
  t.is(groupWritable.code, 0, groupWritable.stderr);
  t.is(groupWritable.stderr, `warning: ignoring ${dotEnv}: others may change it (mode 664; run chmod go-w ${dotEnv})\n`);

  fs.chmodSync(dotEnv, 0o600);
  if (isRoot) {
    fs.chownSync(dotEnv, 65534, 65534);
    const foreign = await user.run(['db', 'status']);
    t.is(foreign.code, 0, foreign.stderr);
    t.is(foreign.stderr, `warning: ignoring ${dotEnv}: it belongs to another user\n`);
    fs.chownSync(dotEnv, 0, 0);
  }

  const target = path.join(user.home, 'elsewhere.env');
  fs.renameSync(dotEnv, target);
  fs.symlinkSync(target, dotEnv);
  const linked = await user.run(['db', 'status']);
  t.is(linked.code, 0, linked.stderr);
  t.is(linked.stderr, `warning: ignoring ${dotEnv}: it is a symbolic link\n`);
});

test('configuration errors are one line naming the variable and where it was set, without echoing a password', async (t) => {
  const user = epicUserInProcess('postgres://postgres@127.0.0.1:1/epic');
  const cases: [env: Record<string, string | undefined>, dotEnv: string | undefined, message: string][] = [
    [{ DATABASE_URL: 'postgres://u:s3cret@[not-a-host' }, undefined, 'DATABASE_URL (set in the environment) is not a valid URL: expected postgres://user:password@host:5432/database'],
    [{ DATABASE_URL: undefined }, 'DATABASE_URL=mysql://u:s3cret@db.example/crm\n', `DATABASE_URL (set in ${path.join(user.home, '.env')}) must be a postgres: or postgresql: URL such as postgres://user:password@host:5432/database, not mysql:`],
    [{ SENTRY_DSN: 'nonsense' }, undefined, 'SENTRY_DSN (set in the environment) is not a valid URL: expected https://key@o0.ingest.sentry.io/0'],
    [{ SENTRY_DSN: 'https://o0.ingest.sentry.io/' }, undefined, 'SENTRY_DSN (set in the environment) is not a Sentry DSN: expected https://key@o0.ingest.sentry.io/0'],
  ];
  for (const [env, dotEnv, message] of cases) {
    fs.rmSync(path.join(user.home, '.env'), { force: true });
    if (dotEnv) writeDotEnv(user.home, dotEnv);
    const result = await user.run(['client', 'list'], '', env);
    t.is(result.code, 2, result.stderr);
    t.is(result.stderr, `error: ${message}\n`);
  }
  // A server named in .env that cannot be reached: the message says where the URL came from.
  writeDotEnv(user.home, 'DATABASE_URL=postgres://nobody@127.0.0.1:1/epic\n');
  const unreachable = await user.run(['login', 'a@b.fr', '--password-stdin'], 'whatever it is\n', { DATABASE_URL: undefined });
  t.is(unreachable.code, 1);
  t.regex(unreachable.stderr, new RegExp(`^error: cannot reach the server of DATABASE_URL \\(DATABASE_URL set in ${path.join(user.home, '.env').replace(/[.]/g, '\\.')}\\): connect ECONNREFUSED[^\\n]*\\n$`));
});

function tokenFile(user: ReturnType<typeof epicUserInProcess>): string {
  return path.join(user.env.XDG_CONFIG_HOME, 'epic-events', 'session');
}

test('a token file refused for its mode or for being a link is still revoked by logout', async (t) => {
  const { w } = t.context;
  for (const spoil of ['mode', 'link'] as const) {
    const user = epicUserInProcess(w.db.url);
    await signIn(user, w.db, w.sales.id);
    const file = tokenFile(user);
    const token = fs.readFileSync(file, 'utf8');
    if (spoil === 'mode') fs.chmodSync(file, 0o644);
    else {
      fs.renameSync(file, path.join(user.home, 'token-elsewhere'));
      fs.symlinkSync(path.join(user.home, 'token-elsewhere'), file);
    }
    t.is((await user.run(['whoami'])).code, 4, 'refused');
    const logout = await user.run(['logout']);
    t.is(logout.code, 0, logout.stderr);
    t.is(fs.lstatSync(file, { throwIfNoEntry: false }), undefined, `${spoil}: the file is gone`);
    // The same token in a proper file no longer opens a session: it was revoked, not only deleted.
    fs.writeFileSync(file, token, { mode: 0o600 });
    const again = await user.run(['whoami']);
    t.is(again.code, 4, `${spoil}: ${again.stdout}`);
  }
});

test('login on a token path that is a folder says so and leaves no file holding a token', async (t) => {
  const { w } = t.context;
  const user = epicUserInProcess(w.db.url);
  const file = tokenFile(user);
  fs.mkdirSync(file, { recursive: true });
  const login = await user.run(['login', w.sales.email, '--password-stdin'], `${PASSWORD}\n`);
  t.is(login.code, 4);
  t.is(login.stderr, `error: cannot save the session in ${file}: it is a folder; remove it and log in again\n`);
  t.deepEqual(fs.readdirSync(path.dirname(file)), ['session']);
  t.deepEqual(fs.readdirSync(file), []);
});

test('sales and support cannot probe collaborators through list filters', async (t) => {
  const { w } = t.context;
  const answer = async (email: string, line: string) => {
    const shell = shellHarness(w.db, w.clock);
    await shell.loginAs(email);
    const code = await shell.run(line);
    return { code, stdout: shell.stdout.text(), stderr: shell.stderr.text() };
  };
  // pia@epic.test exists (support, no clients); nobody@epic.test does not.
  t.deepEqual(await answer(w.sales.email, `client list --sales ${w.otherSupport.email}`), await answer(w.sales.email, 'client list --sales nobody@epic.test'));
  t.deepEqual(await answer(w.support.email, `event list --support ${w.sales.email}`), await answer(w.support.email, 'event list --support nobody@epic.test'));
  const probe = await answer(w.support.email, 'event list --support e');
  t.is(probe.code, 0);
  t.false(/closest|Maud|Paul|Pia|Sam|Sonia/.test(probe.stdout + probe.stderr), probe.stdout + probe.stderr);
  // What a filter is for still works, by name or by email.
  t.regex((await answer(w.sales.email, `client list --sales ${w.otherSales.email}`)).stdout, /Élodie Durand/);
  t.regex((await answer(w.support.email, 'event list --support paul support')).stdout, /Casey Launch Party/);
  // A manager, who may list collaborators, keeps the closest matches.
  t.regex((await answer(w.manager.email, 'event list --support e')).stderr, /closest/);
});

function seedAll(databaseUrl: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const cli = path.join(projectRoot(), 'node_modules', 'sequelize-cli', 'lib', 'sequelize');
    const child = spawn(process.execPath, [cli, 'db:seed:all'], { cwd: projectRoot(), env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

test.serial('the demo seeder refuses a database with collaborators, even through sequelize-cli; demo accounts must change their password', async (t) => {
  const { w, empty } = t.context;
  const refused = await seedAll(w.db.ownerUrl);
  t.not(refused.code, 0);
  t.regex(refused.output, /the database already holds collaborators: demo data goes only into an empty one/);
  const [found] = await w.db.owner.query("SELECT count(*)::int AS n FROM clients WHERE email = 'kcostner@fieldofdreams.us'", { plain: false, raw: true });
  t.deepEqual(found, [{ n: 0 }]);

  const admin = { EPIC_ADMIN_DATABASE_URL: empty.ownerUrl };
  const migrated = await epicUserInProcess('postgres://unused@127.0.0.1:1/x').run(['db', 'migrate'], '', admin);
  t.is(migrated.code, 0, migrated.stderr);
  const hugo = epicUserInProcess(await runtimeUrlOf(empty));
  const demo = await hugo.run(['db', 'demo'], '', admin);
  t.is(demo.code, 0, demo.stderr);
  t.is((await hugo.run(['db', 'demo'], '', admin)).code, 1, 'a second load is refused');
  t.is((await hugo.run(['login', 'hugo.bernard@epic-events.fr', '--password-stdin'], 'copper-meadow-falcon-17\n')).code, 0);
  const blocked = await hugo.run(['client', 'list']);
  t.is(blocked.code, 4);
  t.regex(blocked.stderr, /passwd/);
});

test.serial('event names are unique whatever their case and accents, on this server', async (t) => {
  const { w } = t.context;
  const event = (name: string, contractId: number) =>
    insertRow(w.db, 'events', { name, contractId, supportContactId: null, startsAt: new Date('2026-09-01T10:00:00Z'), endsAt: new Date('2026-09-01T12:00:00Z'), location: 'Lyon', attendees: 10 });
  const gala = await event('ÉTÉ GALA', w.ownSignedFree.id);
  try {
    for (const name of ['été gala', 'Ete Gala']) {
      await t.throwsAsync(event(name, w.otherSignedFree.id), { name: 'SequelizeUniqueConstraintError' }, name);
    }
  } finally {
    await w.db.owner.query('DELETE FROM events WHERE id = $1', { bind: [gala.id] });
  }
});
