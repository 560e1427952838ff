import fs from 'node:fs';
import anyTest, { type TestFn } from 'ava';
import { freshDatabase, type TestDatabase } from './helpers/database';
import { epicUser } from './helpers/epic';

/** Help, nouns alone, scripts and --password-stdin through the real `epic` binary. */
const test = anyTest as TestFn<{ db: TestDatabase; user: ReturnType<typeof epicUser> }>;

const PASSWORD = 'a long enough password phrase';

test.before(async (t) => {
  t.context.db = await freshDatabase();
  t.context.user = epicUser(t.context.db.url);
  const setup = await t.context.user.run(['setup', '--name', 'Alice Martin', '--email', 'alice@epic.test', '--password-stdin'], `${PASSWORD}\n`);
  if (setup.code !== 0) throw new Error(setup.stderr);
});
test.after.always(async (t) => {
  if (t.context.user) fs.rmSync(t.context.user.home, { recursive: true, force: true });
  await t.context.db?.drop();
});

test.serial('epic --help, epic -h and epic help give the same overview, with setup and db', async (t) => {
  const { user } = t.context;
  const [help, long, short] = await Promise.all([user.run(['help']), user.run(['--help']), user.run(['-h'])]);
  t.is(help.code, 0, help.stderr);
  t.is(long.code, 0, long.stderr);
  t.is(long.stderr, help.stderr);
  t.is(short.stderr, help.stderr);
  t.regex(help.stderr, /epic setup/);
  t.regex(help.stderr, /epic db status\|stop\|demo/);
  t.regex(help.stderr, /epic db export\|import  +every record to a file/);
});

test.serial('empty standard input for --password-stdin says so', async (t) => {
  const result = await t.context.user.run(['login', 'alice@epic.test', '--password-stdin'], '');
  t.is(result.code, 2);
  t.is(result.stderr, 'error: no password on standard input\n');
});

test.serial('a script reads --password-stdin from its next line, and errors name the line', async (t) => {
  const { user } = t.context;
  const script = ['# a day', 'login alice@epic.test --password-stdin', PASSWORD, 'whoami --format tsv', '', 'client show Nobody At All', 'whoami'].join('\n');
  const result = await user.run([], `${script}\n`);
  t.is(result.code, 1);
  t.regex(result.stdout, /alice@epic\.test/);
  t.regex(result.stderr, /^error: line 6: no client/m);
  t.false(result.stderr.includes(PASSWORD));
  const cut = await user.run([], 'logout\nlogin alice@epic.test --password-stdin\n');
  t.is(cut.code, 2);
  t.regex(cut.stderr, /^error: line 2: no password on standard input \(--password-stdin in a script reads the line after the command, line 3\)$/m);
});

test.serial('a noun alone lists its verbs', async (t) => {
  const { user } = t.context;
  t.is((await user.run(['login', 'alice@epic.test', '--password-stdin'], `${PASSWORD}\n`)).code, 0);
  const result = await user.run(['client']);
  t.is(result.code, 0, result.stderr);
  t.regex(result.stderr, /client list +list clients/);
  t.regex(result.stderr, /client reassign/);
  t.notRegex(result.stderr, /client create/, 'only what a manager may run');
  for (const argv of [['client', 'create', '--bogus'], ['client', 'create', '--help']]) {
    const refused = await user.run(argv);
    t.is(refused.code, 4, argv.join(' '));
    t.is(refused.stderr, 'error: permission denied: "client create" is not available to management\n');
  }
});
