import fs from 'node:fs';
import path from 'node:path';
import anyTest, { type TestFn } from 'ava';
import type { App } from '../lib/app';
import { availableTo } from '../lib/commands';
import { complete, MAX_CANDIDATES, type CompletionSource } from '../lib/shell/completion';
import { createShell, historyDir, type Shell } from '../lib/shell/repl';
import { testApp } from './helpers/app';
import { freshDatabase } from './helpers/database';
import { capture } from './helpers/shell';
import { buildWorld, insertRow, PASSWORD, type World } from './helpers/world';

/** The vorpal shell itself: what it registers, completes and remembers. */
const test = anyTest as TestFn<{ w: World; app: App }>;

test.before(async (t) => {
  const w = await buildWorld(await freshDatabase());
  t.context.w = w;
  t.context.app = testApp(w.db, w.clock);
});
test.after.always(async (t) => {
  await t.context.w?.db.drop();
});

function shell(app: App): Shell & { out: ReturnType<typeof capture>; err: ReturnType<typeof capture> } {
  const out = capture();
  const err = capture();
  const created = createShell(app, { stdout: out.stream, stderr: err.stream, stdoutIsTerminal: false, stderrIsTerminal: false });
  created.sync();
  return { ...created, out, err };
}

/** Types a line as at the prompt: vorpal records it in history and runs the matching command. */
async function type(s: Shell, line: string): Promise<void> {
  (s.vorpal as unknown as { emit(event: string, line: string): void }).emit('client_prompt_submit', line);
  await (s.vorpal as unknown as { exec(line: string): Promise<unknown> }).exec(line);
}

const registered = (s: Shell) => s.vorpal.commands.map((c) => c._name).filter((name) => name !== '').sort();

test.serial('each role gets exactly its commands registered, and logout removes them', async (t) => {
  const { app } = t.context;
  const s = shell(app);
  t.deepEqual(registered(s), ['exit', 'help', 'login', 'logout']);
  for (const [email, role] of [['maud@epic.test', 'management'], ['sam@epic.test', 'sales'], ['paul@epic.test', 'support']] as const) {
    await s.session.login(email, PASSWORD);
    s.sync();
    t.deepEqual(registered(s), availableTo(role).map((spec) => spec.name).sort(), role);
    await type(s, 'logout');
    t.deepEqual(registered(s), ['exit', 'help', 'login', 'logout'], `after ${role} logs out`);
  }
});

test.serial('a line typed in the shell runs the command and prints to the shell streams', async (t) => {
  const { app } = t.context;
  const s = shell(app);
  await s.session.login('sam@epic.test', PASSWORD);
  s.sync();
  await type(s, 'client show Kevin Casey --format json');
  t.is(JSON.parse(s.out.text()).fullName, 'Kevin Casey');
  await type(s, 'collaborator list');
  t.regex(s.err.text(), /"collaborator list" is not available to sales/);
  await type(s, 'exit');
  t.is(await s.closed, 0);
});

test.serial('history is kept per collaborator in a private file, without passwords', async (t) => {
  const { app } = t.context;
  const s = shell(app);
  await s.session.login('sam@epic.test', PASSWORD);
  s.sync();
  await type(s, 'client list --mine');
  const dir = historyDir(app);
  t.is(fs.statSync(dir).mode & 0o777, 0o700);
  const files = fs.readdirSync(dir);
  const mine = files.find((f) => f.includes(`collaborator-${t.context.w.sales.id}`));
  t.truthy(mine, `history files: ${files.join(', ')}`);
  const file = path.join(dir, mine!);
  t.is(fs.statSync(file).mode & 0o077, 0, 'no group or other bits');
  const content = fs.readFileSync(file, 'utf8');
  t.true(content.includes('client list --mine'));
  t.false(content.includes(PASSWORD));
  // A password typed as an argument by mistake is refused and forgotten.
  await type(s, 'logout');
  await type(s, 'login sam@epic.test hunter2 is my secret');
  t.regex(s.err.text(), /unexpected "hunter2 is my secret"/);
  const loggedOut = fs.readFileSync(path.join(dir, files.find((f) => f.includes('logged-out')) ?? 'cmd_history_logged-out'), 'utf8');
  t.false(loggedOut.includes('hunter2'));
  t.true(Array.isArray(JSON.parse(loggedOut)));
});

test('completion: prefixes with spaces, accents, case and quotes', async (t) => {
  const { w } = t.context;
  // Names are read in a session: here the salesperson's.
  const source: CompletionSource = { read: (work) => w.as(w.sales, work) };
  t.deepEqual(await complete(source, 'client show Kev'), ['Kevin Casey']);
  t.deepEqual(await complete(source, 'client show Kevin C'), ['Casey']);
  t.deepEqual(await complete(source, 'client show kev'), ['kevin Casey']);
  t.deepEqual(await complete(source, 'client show elo'), ['elodie Durand']);
  t.deepEqual(await complete(source, 'client show "Kev'), ['"Kevin Casey"']);
  t.deepEqual(await complete(source, 'event show Durand '), ['Gala', 'Wedding']);
  t.deepEqual(await complete(source, 'contract list --client Kev'), ['Kevin Casey']);
  t.deepEqual(await complete(source, 'collaborator list --role s'), ['sales', 'support']);
  t.deepEqual(await complete(source, 'client list --fo'), ['--format']);
  t.deepEqual(await complete(source, 'client list --format j'), ['json', 'jsonl']);
  t.deepEqual(await complete(source, 'client show Zzz'), []);
});

test.serial('a completed line runs as typed and shows the right record', async (t) => {
  const { app } = t.context;
  const s = shell(app);
  await s.session.login('sam@epic.test', PASSWORD);
  s.sync();
  const [completion] = await complete({ read: (work) => s.session.read(work) }, 'client show Kevin C');
  await type(s, `client show Kevin ${completion} --format json`);
  t.is(JSON.parse(s.out.text()).email, 'kevin@startup.test');
});

test.serial('never more than a screenful of candidates', async (t) => {
  const { w } = t.context;
  for (let i = 0; i < MAX_CANDIDATES + 5; i++) {
    await insertRow(w.db, 'clients', { fullName: `Zoé Many${String(i).padStart(2, '0')}`, email: `many${i}@x.test`, phone: '+33612345678', salesContactId: w.sales.id });
  }
  t.is((await complete({ read: (work) => w.as(w.sales, work) }, 'client show zoe')).length, MAX_CANDIDATES);
  await w.db.owner.query(`DELETE FROM clients WHERE email LIKE 'many%@x.test'`);
});
