import fs from 'node:fs';
import path from 'node:path';
import anyTest, { type ExecutionContext, type TestFn } from 'ava';
import pg from 'pg';
import { embeddedStatus } from '../lib/db/embedded';
import { removeEmbeddedDatabase } from './helpers/cluster';
import { freshDatabase } from './helpers/database';
import { epicUser } from './helpers/epic';
import { Terminal } from './helpers/terminal';
import { buildWorld, insertRow, PASSWORD, type World } from './helpers/world';

/**
 * The shell as a person uses it: the real `epic` binary in a real terminal (tmux, 80 columns),
 * keys pressed, the screen read back.
 */
const test = anyTest as TestFn<{ w: World; terminals: Terminal[]; homes: string[] }>;

test.before(async (t) => {
  const w = await buildWorld(await freshDatabase());
  for (const fullName of ['Cœur Lenoir', 'Straße Nord', 'Kevin Costner', 'Zed Quartz >> x.txt']) {
    await insertRow(w.db, 'clients', { fullName, email: `${fullName.length}.${fullName.charCodeAt(0)}@x.test`, phone: '+33612345670', salesContactId: w.sales.id });
  }
  t.context.w = w;
  t.context.terminals = [];
  t.context.homes = [];
});
test.after.always(async (t) => {
  for (const terminal of t.context.terminals ?? []) await terminal.close();
  // The closed shells may still be writing their history while they exit.
  for (const home of t.context.homes ?? []) fs.rmSync(home, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  await t.context.w?.db.drop();
});

type Context = ExecutionContext<{ w: World; terminals: Terminal[]; homes: string[] }>;

const MAUD = /^epic \(Maud Manager · management\)>/m;

async function open(t: Context, url: string, options: { args?: string[]; columns?: number; rows?: number; env?: Record<string, string> } = {}) {
  const user = epicUser(url, options.env);
  t.context.homes.push(user.home);
  const terminal = await Terminal.open(user.env, { rows: 50, ...options });
  t.context.terminals.push(terminal);
  return { terminal, user };
}

/** Logged in as Maud; without the agenda unless asked, so that the screen holds what a test reads. */
async function loggedIn(t: Context, options: { columns?: number; rows?: number; agenda?: boolean } = {}) {
  const opened = await open(t, t.context.w.db.url, { ...options, env: options.agenda ? {} : { EPIC_AGENDA: 'off' } });
  const { terminal } = opened;
  await terminal.waitFor(/^epic>/m);
  await terminal.type('login maud@epic.test');
  await terminal.press('Enter');
  await terminal.waitFor(/Password:/);
  await terminal.type(PASSWORD);
  await terminal.press('Enter');
  await terminal.waitFor(MAUD);
  return opened;
}

/** Types `text`, presses Tab `tabs` times, and returns the screen once it shows `expected`. */
async function tab(terminal: Terminal, text: string, expected: RegExp, tabs = 1): Promise<string> {
  await terminal.type(text);
  for (let i = 0; i < tabs; i++) {
    // A second Tab lists the candidates only once the first one's completion has come back,
    // which may show nothing on screen; after the last one, the screen is what is waited for.
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 400));
    await terminal.press('Tab');
  }
  const screen = await terminal.waitFor(expected).catch((error: Error) => error.message);
  await terminal.press('C-u');
  return screen;
}

test('Tab completes option values, stored spellings, and lists several candidates', async (t) => {
  const { terminal } = await loggedIn(t);
  // The first word of an option's value.
  t.regex(await tab(terminal, 'contract create --client elo', /--client Élodie Durand\s*$/m), /--client Élodie Durand\s*$/m);
  t.regex(await tab(terminal, 'event assign durand wed --support pa', /--support Paul Support\s*$/m), /--support Paul Support\s*$/m);
  t.regex(await tab(terminal, 'client list --sales so', /--sales Sonia Sales\s*$/m), /--sales Sonia Sales\s*$/m);
  t.regex(await tab(terminal, 'contract list --format j', /--format json\s*$/m), /--format json\s*$/m);
  // From the stored name, whatever the folded prefix's length.
  t.regex(await tab(terminal, 'client show coeu', /client show Cœur Lenoir\s*$/m), /client show Cœur Lenoir\s*$/m);
  t.regex(await tab(terminal, 'client show strasse', /client show Straße Nord\s*$/m), /client show Straße Nord\s*$/m);
  // Several: the common part first, then the list.
  const listed = await tab(terminal, 'client show kevin', /Kevin Casey\s+Kevin Costner/, 2);
  t.regex(listed, /client show Kevin C/);
  t.regex(listed, /Kevin Casey\s+Kevin Costner/);
  // Commands, contracts with their client, collaborators by email, roles.
  t.regex(await tab(terminal, 'cli', /client\s*$/m), /client\s*$/m);
  t.regex(await tab(terminal, 'client sh', /client show\s*$/m), /client show\s*$/m);
  const contract = String(t.context.w.ownSigned.id);
  t.regex(await tab(terminal, 'contract show ', new RegExp(`#${contract} Kevin Casey`), 2), new RegExp(`#${contract} Kevin Casey`));
  t.regex(await tab(terminal, 'client reassign kevin casey --to sonia@', /--to sonia@epic\.test\s*$/m), /--to sonia@epic\.test\s*$/m);
  t.regex(await tab(terminal, 'collaborator list --role sa', /--role sales\s*$/m), /--role sales\s*$/m);
});

test('a completed name holding ">>" is quoted: it shows the client and writes no file', async (t) => {
  const { terminal, user } = await loggedIn(t);
  await tab(terminal, 'client show zed', /client show "Zed Quartz >> x\.txt"\s*$/m);
  await terminal.type('client show zed');
  await terminal.press('Tab');
  await terminal.waitFor(/client show "Zed Quartz >> x\.txt"\s*$/m);
  await terminal.press('Enter');
  const screen = await terminal.waitFor(/Zed Quartz >> x\.txt[\s\S]*^epic \(Maud/m);
  t.notRegex(screen, /written to/);
  t.false(fs.existsSync(path.join(user.home, 'x.txt')));
});

test('a long line that wraps is not overwritten by its output, at any length', async (t) => {
  const { terminal } = await loggedIn(t);
  const prompt = 'epic (Maud Manager · management)> ';
  // Two rows, and exactly two full rows (the terminal's edge case).
  for (const length of [90, 160 - prompt.length - 'client list --search '.length]) {
    const search = 'a'.repeat(length);
    await terminal.run(`client list --search ${search}`, MAUD);
    const rows = await terminal.screen();
    const at = rows.map((row) => row.startsWith(`${prompt}client list --search`)).lastIndexOf(true);
    const typed = (rows[at] + rows[at + 1]).slice(prompt.length);
    t.is(typed, `client list --search ${search}`, rows.join('\n'));
    t.regex(rows.slice(at + 2).join('\n'), /^(\s*\n)?nothing found/, rows.join('\n'));
  }
});

test('after login at 80 columns, the agenda once: each section with its count, no line wider than the terminal', async (t) => {
  const { terminal } = await loggedIn(t, { columns: 80, agenda: true });
  const screen = await terminal.waitFor(/Events this week \(\d+\)/);
  t.regex(screen, /Logged in as Maud Manager \(management\)\.\nAgenda of Maud Manager \(management\) · .+\nUpcoming events: today and the next 7 days, to .+\n\nUpcoming events without support \(\d+\)/);
  t.regex(screen, /Unsigned contracts \(2\)\nID +Client +Sales contact +Total € +Due € +Created/);
  t.regex(screen, /Amounts due on signed contracts \(5\)  12,500\.00 € still due/);
  t.true(screen.split('\n').every((line) => [...line].length <= 80));
  const after = await terminal.run('whoami', MAUD);
  t.is(after.match(/Agenda of/g)?.length, 1, 'shown once, not after the next command');
});

test('client list at 80 columns: every client is listed once, and the prompt comes back below', async (t) => {
  const { terminal } = await loggedIn(t, { columns: 80 });
  const screen = await terminal.run('client list', MAUD);
  const rows = screen.split('\n');
  const listed = rows.filter((row) => /^\s*\d+\s/.test(row)).map((row) => Number(row.trim().split(/\s+/)[0]));
  t.deepEqual(listed.sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8], screen);
  t.regex(rows[rows.length - 1], MAUD);
  t.notRegex(screen, /something went wrong|error:/);
});

test('history keeps commands only, in the user’s own folder; Up brings back the lines of who is logged in', async (t) => {
  const { terminal, user } = await loggedIn(t);
  await terminal.run('client show Kevin Casey', MAUD);
  await terminal.run('my secret passphrase typed here', MAUD);
  // The line on the prompt is the screen's last: the last line kept, the one above was dropped.
  await terminal.press('Up');
  await terminal.waitFor(/management\)> client show Kevin Casey$/);
  await terminal.press('C-u');
  await terminal.run('logout', /^epic>/m);
  // Logged out, the lines typed logged out: the login, not Maud's commands; Down comes back to an empty line.
  await terminal.press('Up');
  await terminal.waitFor(/\nepic> login maud@epic\.test$/);
  await terminal.press('Down');
  await terminal.waitFor(/\nepic> ?$/);
  await terminal.run('an other password at the prompt', /^epic>/m);
  const dir = path.join(user.home, '.config', 'epic-events', 'history');
  const files = fs.readdirSync(dir);
  const text = files.map((file) => fs.readFileSync(path.join(dir, file), 'utf8')).join('\n');
  t.regex(text, /client show Kevin Casey/);
  // The password typed at the masked login prompt, and the two typed where a command goes.
  for (const secret of [PASSWORD, 'my secret passphrase typed here', 'an other password at the prompt']) t.false(text.includes(secret), secret);
  t.false(fs.existsSync(path.join(user.env.EPIC_DATA_DIR, 'history')), 'nothing in the data folder');
});

test('Ctrl-C at first run cancels setup; the shell then works and Ctrl-D leaves', async (t) => {
  const empty = await freshDatabase();
  try {
    const { terminal } = await open(t, empty.url);
    await terminal.waitFor(/Your full name:/);
    await terminal.press('C-c');
    await terminal.waitFor(/setup cancelled; .*epic setup/);
    await terminal.waitFor(/^epic>/m);
    const help = await terminal.run('help', /^epic>/m);
    t.regex(help, /login/);
    t.notRegex(help, /something went wrong/);
    await terminal.press('C-d');
    t.regex(await terminal.waitFor(/\[exit \d+\]/), /\[exit 0\]/);
  } finally {
    await empty.drop();
  }
});

test('first run: a refused password asks for the password again, an empty name says how to come back', async (t) => {
  const empty = await freshDatabase();
  try {
    const { terminal } = await open(t, empty.url);
    await terminal.waitFor(/Your full name:/);
    await terminal.type('Alice Martin');
    await terminal.press('Enter');
    await terminal.waitFor(/Your email/);
    await terminal.type('alice@epic-events.fr');
    await terminal.press('Enter');
    // Each prompt by its own words: a pattern both match could find the first one still on
    // screen, and the second answer would be typed before its prompt reads it.
    for (const prompt of [/Choose a password[^\n]*:\s*$/, /Same password again:\s*$/]) {
      await terminal.waitFor(prompt);
      await terminal.type('too short');
      await terminal.press('Enter');
    }
    const refused = await terminal.waitFor(/at least 15 characters[\s\S]*Choose a password/);
    t.is(refused.match(/Your full name:/g)?.length, 1, refused);
    await terminal.type('a sunny day at the lake');
    await terminal.press('Enter');
    await terminal.waitFor(/Same password again:\s*\s*$/m);
    await terminal.type('a sunny day at the lake');
    await terminal.press('Enter');
    await terminal.waitFor(/Created and logged in as Alice Martin/);

    const other = await freshDatabase();
    try {
      const { terminal: second } = await open(t, other.url);
      await second.waitFor(/Your full name:/);
      await second.press('Enter');
      await second.waitFor(/No account was created; .*`epic setup`/);
    } finally {
      await other.drop();
    }
  } finally {
    await empty.drop();
  }
});

test('Ctrl-C at a one-shot prompt exits 130, cancelled', async (t) => {
  const { terminal } = await open(t, t.context.w.db.url, { args: ['login', 'maud@epic.test'] });
  await terminal.waitFor(/Password:/);
  await terminal.press('C-c');
  const screen = await terminal.waitFor(/\[exit \d+\]/);
  t.regex(screen, /cancelled/);
  t.regex(screen, /\[exit 130\]/);
  t.notRegex(screen, /something went wrong/);
});

// Serial, so before the others: ending every connection of the file's database would also end
// the connection of another test's shell in the middle of its command.
test.serial('the server restarted under an open shell: the next command just works', async (t) => {
  // Tall enough for two records on one screen.
  const { terminal } = await loggedIn(t, { rows: 150 });
  await terminal.run('client show Kevin Casey', MAUD);
  // What a restart does to open connections: the server ends them (57P01).
  const admin = new pg.Client({ connectionString: t.context.w.db.url });
  await admin.connect();
  // This process's own pool is emptied first, so that only the shell's connections are ended.
  await (t.context.w.db.sequelize.connectionManager as unknown as { pool: { destroyAllNow(): Promise<void> } }).pool.destroyAllNow();
  await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND usename = current_user AND pid <> pg_backend_pid()');
  await admin.end();
  const screen = await terminal.run('client show Élodie Durand', MAUD);
  t.regex(screen, /elodie@example\.test/);
  t.notRegex(screen, /something went wrong|error:/);
});

test('the embedded server stopped under an open shell: db stop warns, and the next command starts it again', async (t) => {
  // No DATABASE_URL: the user's own embedded server, in their data folder.
  const { terminal, user } = await open(t, '', {});
  const dataDir = user.env.EPIC_DATA_DIR;
  try {
    await terminal.waitFor(/Your full name:/, 90_000);
    for (const [answer, next] of [['Alice Martin', /Your email/], ['alice@epic-events.fr', /Choose a password/], ['a sunny day at the lake', /Same password again/]] as const) {
      await terminal.type(answer);
      await terminal.press('Enter');
      await terminal.waitFor(next);
    }
    await terminal.type('a sunny day at the lake');
    await terminal.press('Enter');
    const alice = /^epic \(Alice Martin · management\)>/m;
    await terminal.waitFor(alice);
    // At a terminal it asks; "no" leaves the server running.
    const asking = await Terminal.open(user.env, { args: ['db', 'stop'] });
    t.context.terminals.push(asking);
    await asking.waitFor(/connection\(s\) to the embedded database are open \(shells in use\)\. Stop it anyway\? \[y\/N\]/);
    await asking.type('n');
    await asking.press('Enter');
    t.regex(await asking.waitFor(/\[exit \d+\]/), /cancelled: the embedded database is still running[\s\S]*\[exit 1\]/);
    t.true(embeddedStatus(dataDir).running);
    const refused = await user.run(['db', 'stop']);
    t.is(refused.code, 2, refused.stderr);
    t.regex(refused.stderr, /connection\(s\) to the embedded database are open.*--force/);
    t.true(embeddedStatus(dataDir).running);
    const stopped = await user.run(['db', 'stop', '--force']);
    t.is(stopped.code, 0, stopped.stderr);
    t.false(embeddedStatus(dataDir).running);
    const screen = await terminal.run('collaborator list', alice);
    t.regex(screen.slice(screen.lastIndexOf('collaborator list')), /^\s*1\s+Alice Martin/m);
    t.notRegex(screen, /something went wrong|error:/);
    t.true(embeddedStatus(dataDir).running, 'started again');
  } finally {
    await terminal.close();
    await removeEmbeddedDatabase(dataDir);
  }
});
