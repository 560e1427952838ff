import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import anyTest, { type TestFn } from 'ava';
import { QueryTypes } from 'sequelize';
import { answeringWarmSockets, stopWarm, warmFolder, warmPlan, type WarmPlan } from '../lib/warm/client';
import type { WarmFrame, WarmRequest } from '../lib/warm/protocol';
import { freshDatabase, serverUrl as testServerUrl, withAdmin, type TestDatabase } from './helpers/database';
import { EPIC, epicUser } from './helpers/epic';
import { removeEmbeddedDatabase } from './helpers/cluster';
import { tempDir } from './helpers/temp';
import { signIn } from './helpers/world';
import { Terminal } from './helpers/terminal';

/**
 * The warm process (README, "Start-up time"): a one-shot command that finds none runs
 * in-process and starts one; the next commands of the same user and configuration are
 * answered by it, with the same output and exit codes. Through the real binary, each test
 * user with a socket folder of its own; every warm process is asked to leave at the end.
 */
const test = anyTest as TestFn<{ db: TestDatabase; user: ReturnType<typeof epicUser> }>;

const PASSWORD = 'the quick brown fox at dawn';
const BUNDLE = path.join(path.dirname(EPIC), '..', 'dist', 'cli.js');
const CLIENT = path.join(path.dirname(EPIC), '..', 'dist', 'warm-client.js');
const ANSWERED = /^debug: answered by the warm process at .*\n/m;

function warmUser(url: string) {
  const user = epicUser(url, { EPIC_WARM: '', EPIC_DEBUG: '1' });
  user.env.XDG_RUNTIME_DIR = path.join(user.home, 'run');
  return user;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting: ${what}`);
}

const warmSocket = (env: NodeJS.ProcessEnv) => until('a warm process', async () => (await answeringWarmSockets(env))[0]);

/** The plan as `bin/epic.js` makes it: Node without this test process's flags, which are part of a bundle's identity. */
function planOfTheBinary(env: NodeJS.ProcessEnv, cwd: string): WarmPlan {
  // A file, not -e: Node counts -e and its text among its flags.
  const script = path.join(tempDir('epic-warm-plan-'), 'plan.js');
  fs.writeFileSync(script, `process.stdout.write(JSON.stringify(require(${JSON.stringify(CLIENT)}).warmPlan(${JSON.stringify(BUNDLE)}, ['whoami'])))`);
  return JSON.parse(execFileSync(process.execPath, [script], { env: env as Record<string, string>, cwd, encoding: 'utf8' })) as WarmPlan;
}

/** One request in the warm protocol, as the thin client would send it; the frames that came back. */
function ask(socketPath: string, request: Partial<WarmRequest>): Promise<WarmFrame[]> {
  return new Promise((resolve, reject) => {
    const frames: WarmFrame[] = [];
    let text = '';
    const socket = net.connect(socketPath, () => socket.write(`${JSON.stringify(request)}\n`));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      for (const line of text.split('\n').filter(Boolean)) frames.push(JSON.parse(line) as WarmFrame);
      resolve(frames);
    });
  });
}

test.before(async (t) => {
  t.context.db = await freshDatabase();
  const user = warmUser(t.context.db.url);
  t.is((await user.run(['setup', '--name', 'Alice Martin', '--email', 'alice@epic-events.fr', '--password-stdin'], `${PASSWORD}\n`)).code, 0);
  const [alice] = await t.context.db.owner.query<{ id: number }>(`SELECT id FROM collaborators WHERE email = 'alice@epic-events.fr'`, { type: QueryTypes.SELECT });
  await signIn(user, t.context.db, alice.id);
  t.context.user = user;
});
test.after.always(async (t) => {
  if (t.context.user) await stopWarm(t.context.user.env);
  await t.context.db?.drop();
});

test.serial('the first command starts a warm process; the next ones get the same answers from it', async (t) => {
  const { user } = t.context;
  const cold = await user.run(['whoami']);
  t.is(cold.code, 0, cold.stderr);
  t.notRegex(cold.stderr, ANSWERED);
  await warmSocket(user.env);

  const warm = await user.run(['whoami']);
  t.regex(warm.stderr, ANSWERED);
  t.is(warm.stdout, cold.stdout);
  t.is(warm.code, 0);

  const created = await user.run(['client', 'create', '--name', 'Kevin Casey', '--email', 'kevin@startup.io', '--phone', '0678653030']);
  t.regex(created.stderr, ANSWERED);
  t.is(created.code, 4, 'a manager may not create clients, through the warm process too');
  const inProcess = await user.run(['client', 'create', '--name', 'Kevin Casey', '--email', 'kevin@startup.io', '--phone', '0678653030'], '', { EPIC_WARM: '0' });
  t.is(inProcess.code, 4);
  t.is(created.stderr.replace(ANSWERED, ''), inProcess.stderr);

  const hired = await user.run(['collaborator', 'create', '--name', 'Sam Sales', '--email', 'sam@epic-events.fr', '--role', 'sales']);
  t.regex(hired.stderr, ANSWERED);
  t.is(hired.code, 0, hired.stderr);
  const listed = await user.run(['collaborator', 'list', '--format', 'csv']);
  t.regex(listed.stdout, /Sam Sales/);
  t.is(listed.stdout, (await user.run(['collaborator', 'list', '--format', 'csv'], '', { EPIC_WARM: '0' })).stdout);

  const missing = await user.run(['collaborator', 'show', 'Nobody Atall']);
  t.regex(missing.stderr, ANSWERED);
  const missingInProcess = await user.run(['collaborator', 'show', 'Nobody Atall'], '', { EPIC_WARM: '0' });
  t.is(missing.code, missingInProcess.code);
  t.not(missing.code, 0);
  t.is(missing.stderr.replace(ANSWERED, ''), missingInProcess.stderr);
});

test.serial('a question goes back to the terminal: the command runs in-process, nothing done by the warm one', async (t) => {
  const { user } = t.context;
  await user.run(['whoami']);
  const socket = path.join(warmFolder(user.env)!, await warmSocket(user.env));
  const plan = planOfTheBinary(user.env, user.home);
  t.is(plan.socket, socket, 'the test speaks to the process the binary uses');
  const request = { protocol: 1, bundle: plan.bundle, argv: ['collaborator', 'delete', 'Sam Sales'], cwd: user.home, stdoutIsTerminal: true, stderrIsTerminal: true, columns: 80 };
  t.deepEqual(await ask(socket, { ...request, stdinIsTerminal: true }), [{ accepted: true }, { elsewhere: true }]);
  const refused = await ask(socket, { ...request, stdinIsTerminal: false });
  t.deepEqual(refused.at(-1), { exit: 2 }, 'off a terminal it needs --yes, as in-process');
  t.true((await user.run(['collaborator', 'show', 'Sam Sales'])).code === 0, 'Sam is still there');
});

test.serial('in an 80-column terminal: a warm table fits, and a deletion asks its question there', async (t) => {
  const { user } = t.context;
  await user.run(['whoami']);
  await warmSocket(user.env);
  const env = user.env as Record<string, string>;
  const list = await Terminal.open(env, { args: ['collaborator', 'list'], columns: 80 });
  try {
    const screen = await list.waitFor(/\[exit 0\]/);
    t.regex(screen, /answered by the warm process/);
    t.regex(screen, /Sam Sales/);
    const table = (await list.screen(true)).filter((row) => !row.startsWith('debug:'));
    t.true(table.every((row) => row.length <= 80), screen);
  } finally {
    await list.close();
  }
  const deletion = await Terminal.open(env, { args: ['collaborator', 'delete', 'Sam Sales'], columns: 80 });
  try {
    await deletion.waitFor(/Delete collaborator #\d+ Sam Sales.*\[y\/N\]/);
    await deletion.type('n');
    await deletion.press('Enter');
    const screen = await deletion.waitFor(/\[exit 1\]/);
    t.regex(screen, /cancelled: nothing was deleted/);
    t.notRegex(screen, /answered by the warm process/, 'the question was asked in-process');
  } finally {
    await deletion.close();
  }
});

test.serial('a process of another bundle hands every command back and leaves; the next command starts a new one', async (t) => {
  const { user } = t.context;
  await user.run(['whoami']);
  const name = await warmSocket(user.env);
  const socket = path.join(warmFolder(user.env)!, name);
  t.deepEqual(await ask(socket, { protocol: 1, bundle: `${planOfTheBinary(user.env, user.home).bundle} (an older build)`, argv: ['whoami'], stdinIsTerminal: false, stdoutIsTerminal: false, stderrIsTerminal: false }), [{ elsewhere: true }]);
  await until('the old process to leave', async () => (fs.existsSync(socket) ? undefined : true));
  const next = await user.run(['whoami']);
  t.is(next.code, 0);
  t.notRegex(next.stderr, ANSWERED);
  t.is(await warmSocket(user.env), name, 'the same installation and configuration: the same socket');
});

test.serial('a slow reader gets every line; one that leaves early ends the command with success; the warm process goes on', async (t) => {
  const { user, db } = t.context;
  // Enough rows to fill a pipe many times over.
  await db.owner.query(`
    INSERT INTO clients ("fullName", email, phone, "companyName", "salesContactId", "createdAt", "updatedAt", version)
      SELECT 'Bulk client ' || i, 'bulk' || i || '@bulk.test', '+3361' || lpad(i::text, 7, '0'), 'Bulk company', c.id, now(), now(), 0
        FROM generate_series(1, 3000) i, (SELECT id FROM collaborators WHERE email = 'sam@epic-events.fr') c`);
  await user.run(['whoami']);
  await warmSocket(user.env);
  const pipeline = (reader: string) =>
    execFileSync('bash', ['-c', `set -o pipefail; node ${EPIC} client list --all --format csv | ${reader}`], { env: user.env, encoding: 'utf8', cwd: user.home, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
  const whole = (await user.run(['client', 'list', '--all', '--format', 'csv'], '', { EPIC_WARM: '0' })).stdout;
  t.true(whole.length > 300_000, `${whole.length} characters`);
  t.is(pipeline('(sleep 1; cat)'), whole, 'a reader that starts late still gets all of it');
  // pipefail: the pipeline fails if epic does; head leaves after one line.
  t.is(pipeline('head -1'), `${whole.split('\n')[0]}\n`);
  t.regex((await user.run(['whoami'])).stderr, ANSWERED);
  // And the export the reader left ends there: no COPY is left reading, nor its transaction
  // open; the warm process's connections are seen (their state is shown to the server's admin).
  const server = await testServerUrl();
  const sessions = () =>
    withAdmin(server, async (admin) =>
      (await admin.query(`SELECT count(state)::int AS seen, count(*) FILTER (WHERE query LIKE 'COPY %' OR state LIKE 'idle in transaction%')::int AS busy
                            FROM pg_stat_activity WHERE datname = $1 AND usename = $2`, [db.name, db.runtimeRole])).rows[0] as { seen: number; busy: number });
  await until('the export to end', async () => {
    const { seen, busy } = await sessions();
    return seen > 0 && busy === 0 ? true : undefined;
  });
});

test.serial('setup and db commands, however spelt, go back to run in-process', async (t) => {
  const { user } = t.context;
  await user.run(['whoami']);
  const socket = path.join(warmFolder(user.env)!, await warmSocket(user.env));
  const plan = planOfTheBinary(user.env, user.home);
  const request = { protocol: 1, bundle: plan.bundle, cwd: user.home, stdinIsTerminal: false, stdoutIsTerminal: false, stderrIsTerminal: false };
  for (const argv of [['DB', 'stop'], ['db stop'], ['Setup', '--name', 'x']]) t.deepEqual(await ask(socket, { ...request, argv }), [{ elsewhere: true }], argv.join(' '));
  t.deepEqual(await answeringWarmSockets(user.env), [path.basename(socket)], 'and it is still there');
  const status = await user.run(['DB', 'status']);
  t.is(status.code, 0, status.stderr);
  t.regex(status.stdout, /DATABASE_URL/);
  t.notRegex(status.stderr, ANSWERED, 'run in-process');
});

test.serial('settings that shape a command have a warm process of their own; some commands always run in-process', (t) => {
  const home = tempDir('epic-warm-plan-');
  const env = { HOME: home, XDG_RUNTIME_DIR: path.join(home, 'run'), DATABASE_URL: 'postgres://a@b/c' };
  const socket = (argv: string[], more: Record<string, string> = {}, cwd = home) => warmPlan(BUNDLE, argv, { ...env, ...more }, cwd)?.socket;
  t.truthy(socket(['client', 'list']));
  t.is(socket(['client', 'list']), socket(['whoami']), 'one process serves every command of one configuration');
  const others: Record<string, string>[] = [{ DATABASE_URL: 'postgres://a@b/d' }, { TZ: 'Asia/Tokyo' }, { NO_COLOR: '1' }, { SENTRY_DSN: 'http://k@h/1' }, { EPIC_DATA_DIR: '/elsewhere' }];
  for (const other of others) {
    t.not(socket(['client', 'list'], other), socket(['client', 'list']), JSON.stringify(other));
  }
  fs.mkdirSync(path.join(home, 'a'));
  t.not(socket(['whoami'], { EPIC_DATA_DIR: 'data' }, path.join(home, 'a')), socket(['whoami'], { EPIC_DATA_DIR: 'data' }), 'a relative folder is another folder from elsewhere');
  fs.writeFileSync(path.join(home, 'a', '.env'), 'EPIC_DATA_DIR=data\n');
  t.not(socket(['whoami'], {}, path.join(home, 'a')), socket(['whoami']), "a folder's .env is part of the configuration");
  for (const argv of [[], ['setup'], ['db', 'stop'], ['login', 'a@b.c', '--password-stdin'], ['--help']]) t.is(socket(argv), undefined, argv.join(' '));
  t.is(socket(['whoami'], { EPIC_WARM: '0' }), undefined, 'EPIC_WARM=0 turns it off');
  fs.chmodSync(path.join(home, 'run', `epic-events-${process.getuid!()}`), 0o755);
  t.is(socket(['whoami']), undefined, 'a socket folder others may enter is not used');
});

test('asking warm processes to leave makes no socket folder where there is none', async (t) => {
  const home = tempDir('epic-warm-none-');
  const env = { HOME: home, XDG_RUNTIME_DIR: path.join(home, 'run') };
  await stopWarm(env);
  t.false(fs.existsSync(env.XDG_RUNTIME_DIR));
});

test.serial('asked to leave, every warm process of the user leaves and removes its socket', async (t) => {
  const { user } = t.context;
  await user.run(['whoami']);
  await warmSocket(user.env);
  await stopWarm(user.env);
  t.deepEqual(await answeringWarmSockets(user.env), []);
  t.deepEqual(fs.readdirSync(warmFolder(user.env)!).filter((name) => name !== 'key'), []);
});

test.serial('db stop asks the warm processes to leave first: their connections are not shells in use', async (t) => {
  const user = warmUser('');
  try {
    t.is((await user.run(['setup', '--name', 'Alice Martin', '--email', 'alice@epic-events.fr', '--password-stdin'], `${PASSWORD}\n`)).code, 0);
    t.is((await user.run(['login', 'alice@epic-events.fr', '--password-stdin'], `${PASSWORD}\n`)).code, 0);
    await user.run(['whoami']);
    await warmSocket(user.env);
    t.regex((await user.run(['whoami'])).stderr, ANSWERED);
    t.regex((await user.run(['db', 'status'])).stdout, /running .*[1-9]\d* client connection/);
    const stopped = await user.run(['db', 'stop']);
    t.is(stopped.code, 0, stopped.stderr);
    t.regex(stopped.stderr, /embedded database stopped/);
    t.deepEqual(await answeringWarmSockets(user.env), []);
  } finally {
    await stopWarm(user.env);
    await removeEmbeddedDatabase(user.env.EPIC_DATA_DIR);
  }
});
