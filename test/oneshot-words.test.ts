import fs from 'node:fs';
import path from 'node:path';
import anyTest, { type TestFn } from 'ava';
import pg from 'pg';
import { freshDatabase, type TestDatabase } from './helpers/database';
import { epicUserInProcess } from './helpers/epic-in-process';

/**
 * Help, nouns alone, scripts and --password-stdin as `epic` runs them: `main`, here in this
 * process (helpers/epic-in-process.ts); test/epic-binary.test.ts runs the same through the binary.
 */
const test = anyTest as TestFn<{ db: TestDatabase; user: ReturnType<typeof epicUserInProcess> }>;

const PASSWORD = 'a long enough password phrase';

test.before(async (t) => {
  t.context.db = await freshDatabase();
  t.context.user = epicUserInProcess(t.context.db.url);
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
  // The commands of the system shell, one line each in a section of their own.
  t.regex(help.stderr, /\nfrom the system shell\n(  epic \S+( \S+)?  +.+\n){7}/);
  t.regex(help.stderr, /epic db export  +every record to a new file/);
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

test.serial('one-shot commands go on with the role an earlier command found, but only the database refuses, before the options', async (t) => {
  const { user, db } = t.context;
  const hired = await user.run(['collaborator', 'create', '--name', 'Sue Port', '--email', 'sue@epic.test', '--role', 'support', '--password-stdin'], 'first day password phrase\n');
  t.is(hired.code, 0, hired.stderr);
  const sue = epicUserInProcess(db.url);
  try {
    const login = await sue.run(['login', 'sue@epic.test', '--password-stdin'], 'first day password phrase\n');
    t.is(login.code, 0, login.stderr);
    const passwd = await sue.run(['passwd', '--password-stdin'], 'first day password phrase\nshe keeps a secret phrase\n');
    t.is(passwd.code, 0, passwd.stderr);
    const hint = path.join(sue.env.XDG_CONFIG_HOME, 'epic-events', 'session-role');
    t.is(fs.readFileSync(hint, 'utf8'), 'support\n');

    // help lists her commands without a database.
    const offline = await sue.run(['help'], '', { DATABASE_URL: 'postgres://nobody:none@127.0.0.1:1/none' });
    t.is(offline.code, 0, offline.stderr);
    t.regex(offline.stderr, /event list/);
    t.notRegex(offline.stderr, /client create/);

    // A hint that says otherwise (here, edited) neither refuses nor admits anything the database does not.
    const refusal = 'error: permission denied: "client create" is not available to support\n';
    for (const argv of [['client', 'create', '--bogus'], ['client', 'create', '--help'], ['client', 'create', '--name', 'Hint Client', '--email', 'hint@client.test', '--phone', '0611223344']]) {
      fs.writeFileSync(hint, 'sales\n');
      const refused = await sue.run(argv);
      t.is(refused.code, 4, argv.join(' '));
      t.is(refused.stderr, refusal, argv.join(' '));
      t.is(fs.readFileSync(hint, 'utf8'), 'support\n', 'the database has the last word');
    }
    const owner = new pg.Client({ connectionString: db.ownerUrl });
    await owner.connect();
    try {
      t.is((await owner.query(`SELECT count(*)::int AS n FROM clients WHERE email = 'hint@client.test'`)).rows[0].n, 0);
    } finally {
      await owner.end();
    }
    // Logged out, the hint goes with the token.
    t.is((await sue.run(['logout'])).code, 0);
    t.false(fs.existsSync(hint));
  } finally {
    fs.rmSync(sue.home, { recursive: true, force: true });
  }
});
