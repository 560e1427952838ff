import fs from 'node:fs';
import path from 'node:path';
import anyTest, { type TestFn } from 'ava';
import { QueryTypes } from 'sequelize';
import type { App } from '../lib/app';
import { availableTo } from '../lib/commands';
import { candidatesFor, completeLine, MAX_CANDIDATES, needsQuotes, type CompletionSource } from '../lib/shell/completion';
import { CommandHistory, HISTORY_LINES } from '../lib/shell/command-history';
import { vorpalEditor } from '../lib/shell/line-editor';
import { createShell, keepsInHistory, type Shell } from '../lib/shell/repl';
import { tokenize } from '../lib/shell/tokenize';
import { testApp } from './helpers/app';
import { freshDatabase } from './helpers/database';
import { capture, memoryIO } from './helpers/io';
import { tempDir } from './helpers/temp';
import { buildWorld, insertRow, PASSWORD, type World } from './helpers/world';

/** The shell's own parts: what it completes, remembers and runs. The terminal tests drive the whole. */
const test = anyTest as TestFn<{ w: World; app: App; shell: Shell; out: ReturnType<typeof capture>; err: ReturnType<typeof capture> }>;

test.before(async (t) => {
  const w = await buildWorld(await freshDatabase());
  for (const fullName of ['Cœur Lenoir', 'Straße Nord', 'Straße Süd', 'Kevin Costner', 'Zed Quartz >> x.txt', 'Evil \u001b]0;title\u0007 Name']) {
    await insertRow(w.db, 'clients', { fullName, email: `c${fullName.length}.${fullName.charCodeAt(1)}@x.test`, phone: '+33612345670', salesContactId: w.sales.id });
  }
  t.context.w = w;
  t.context.app = testApp(w.db, w.clock);
  const { io, stdout, stderr } = memoryIO();
  t.context.out = stdout;
  t.context.err = stderr;
  t.context.shell = createShell(t.context.app, vorpalEditor(io), io);
});
test.after.always(async (t) => {
  await t.context.w?.db.drop();
});

/** Completion as a manager (every command is available), or as a salesperson, or logged out (no read then). */
function source(t: { context: { w: World } }, role: 'management' | 'sales' | 'logged out' = 'management'): CompletionSource {
  const { w } = t.context;
  const who = role === 'sales' ? w.sales : w.manager;
  return { read: (work) => w.as(who, work), commands: () => availableTo(role === 'logged out' ? undefined : role) };
}

test('one candidate replaces what was typed with the stored name', async (t) => {
  const s = source(t);
  t.deepEqual(await completeLine(s, 'client show coeu', 1), { line: 'client show Cœur Lenoir ' });
  t.deepEqual(await completeLine(s, 'client show kevin ca', 1), { line: 'client show Kevin Casey ' });
  t.deepEqual(await completeLine(s, 'client show elo', 1), { line: 'client show Élodie Durand ' });
  t.deepEqual(await completeLine(s, 'client show "Kevin Ca', 1), { line: 'client show "Kevin Casey" ' });
  t.deepEqual(await completeLine(s, 'client show Zzz', 2), {});
});

test('several candidates: the common part first, then the list on the second Tab', async (t) => {
  const s = source(t);
  t.deepEqual(await completeLine(s, 'client show kevin', 1), { line: 'client show Kevin C' });
  t.deepEqual(await completeLine(s, 'client show Kevin C', 1), {});
  t.deepEqual(await completeLine(s, 'client show Kevin C', 2), { list: ['Kevin Casey', 'Kevin Costner'] });
  t.deepEqual(await completeLine(s, 'client show strasse', 2), { list: ['Straße Nord', 'Straße Süd'] });
  t.deepEqual(await completeLine(s, 'event show durand ', 2), { list: ['Durand Gala', 'Durand Wedding'] });
});

test('option values complete from their first word', async (t) => {
  const s = source(t);
  t.deepEqual(await completeLine(s, 'contract create --client elo', 1), { line: 'contract create --client Élodie Durand ' });
  t.deepEqual(await completeLine(s, 'event assign durand wed --support pa', 1), { line: 'event assign durand wed --support Paul Support ' });
  t.deepEqual(await completeLine(s, 'client list --sales so', 1), { line: 'client list --sales Sonia Sales ' });
  // json and jsonl: the common part first.
  t.deepEqual(await completeLine(s, 'contract list --format j', 1), { line: 'contract list --format json' });
  t.deepEqual(await completeLine(s, 'contract list --format jsonl', 1), { line: 'contract list --format jsonl ' });
  t.deepEqual(await completeLine(s, 'collaborator list --role s', 2), { list: ['sales', 'support'] });
  t.deepEqual(await completeLine(s, 'client list --fo', 1), { line: 'client list --format ' });
});

test('commands, contracts and collaborators complete where they are named', async (t) => {
  const { w } = t.context;
  const s = source(t);
  t.deepEqual(await completeLine(s, 'cli', 1), { line: 'client ' });
  t.deepEqual(await completeLine(s, 'client sh', 1), { line: 'client show ' });
  t.deepEqual(await completeLine(source(t, 'logged out'), 'cl', 1), {}, 'logged out, no client command exists');
  // login and logout are both there logged out (logout revokes a refused token file).
  t.deepEqual(await completeLine(source(t, 'logged out'), 'lo', 1), { line: 'log' });
  t.deepEqual(await completeLine(source(t, 'logged out'), 'logi', 1), { line: 'login ' });
  t.deepEqual(await completeLine(s, `contract show ${w.ownSigned.id}`, 1), { line: `contract show ${w.ownSigned.id} ` });
  const contracts = await candidatesFor(s, 'contract pay ');
  t.true(contracts!.candidates.some((c) => c.label === `#${w.otherSigned.id} Élodie Durand`));
  t.deepEqual(await completeLine(source(t, 'sales'), `event create --contract ${w.ownSigned.id}`, 1), { line: `event create --contract ${w.ownSigned.id} ` });
  t.deepEqual(await completeLine(s, 'client reassign kevin casey --to sonia@', 1), { line: 'client reassign kevin casey --to sonia@epic.test ' });
  t.deepEqual(await completeLine(s, 'collaborator show paul@', 1), { line: 'collaborator show paul@epic.test ' });
  t.deepEqual(await completeLine(s, 'collaborator show pia', 1), { line: 'collaborator show Pia Support ' });
});

test('a name the shell would read otherwise is inserted quoted, and runs as the name', async (t) => {
  const { line } = await completeLine(source(t), 'client show zed', 1);
  t.is(line, 'client show "Zed Quartz >> x.txt" ');
  t.deepEqual(tokenize(line!), { words: [{ text: 'client', quoted: false }, { text: 'show', quoted: false }, { text: 'Zed Quartz >> x.txt', quoted: true }] });
  for (const name of ['a > b', 'O"Neil', 'back\\slash', 'two  spaces', 'opt --yes']) t.true(needsQuotes(name), name);
  for (const name of ['Kevin Casey', 'Jean-Luc', 'Cœur Lenoir']) t.false(needsQuotes(name), name);
});

test('a stored name with control characters is never offered', async (t) => {
  t.deepEqual(await completeLine(source(t), 'client show evil', 2), {});
});

test('never more than a screenful of candidates', async (t) => {
  const { w } = t.context;
  for (let i = 0; i < MAX_CANDIDATES + 5; i++) {
    await insertRow(w.db, 'clients', { fullName: `Zoé Many${String(i).padStart(2, '0')}`, email: `many${i}@x.test`, phone: '+33612345678', salesContactId: w.sales.id });
  }
  try {
    t.is((await candidatesFor(source(t), 'client show zoe'))!.candidates.length, MAX_CANDIDATES);
  } finally {
    await w.db.owner.query(`DELETE FROM clients WHERE email LIKE 'many%@x.test'`);
  }
});

test('completion reads names through the folded prefix index, in its order', async (t) => {
  // As the owner: the plan, not row-level security, is what is looked at.
  const sequelize = t.context.w.db.owner;
  const plan = await sequelize.transaction(async (transaction) => {
    await sequelize.query('SET LOCAL enable_seqscan = off', { transaction });
    const rows = await sequelize.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT "fullName" FROM clients WHERE epic_fold("fullName") COLLATE "C" LIKE 'kev%' ORDER BY epic_fold("fullName") COLLATE "C" LIMIT 20`,
      { type: QueryTypes.SELECT, transaction },
    );
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  });
  t.regex(plan, /Index Scan using clients_name_fold_prefix_idx/);
  t.notRegex(plan, /Sort/);
  const indexes = await sequelize.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE indexname LIKE '%_prefix_idx'`, { type: QueryTypes.SELECT });
  t.deepEqual(indexes.map((i) => i.indexname).sort(), ['clients_name_fold_prefix_idx', 'collaborators_email_prefix_idx', 'collaborators_name_fold_prefix_idx', 'events_name_fold_prefix_idx']);
});

test('history keeps only lines that are known commands, without a password', (t) => {
  t.true(keepsInHistory('client show Kevin Casey'));
  t.true(keepsInHistory('login sam@epic.test'));
  t.true(keepsInHistory('passwd'));
  t.false(keepsInHistory('correct horse battery staple'), 'a password typed at the prompt');
  t.false(keepsInHistory('login sam@epic.test hunter2'));
  t.false(keepsInHistory('passwd hunter2'));
  t.false(keepsInHistory('client show "unclosed'));
});

test('the command history: Up and Down, a private file per collaborator, a line the shell does not keep never taken, 500 lines at most', (t) => {
  const dir = tempDir('epic-history-');
  const history = new CommandHistory();
  history.use(dir, 'collaborator-1', keepsInHistory);
  for (const line of ['client list', 'client show Kevin Casey', 'client show Kevin Casey', 'event list']) history.newCommand(line);
  const file = path.join(dir, 'cmd_history_collaborator-1');
  t.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), ['client list', 'client show Kevin Casey', 'event list'], 'a line equal to the one before is not added');
  t.is(fs.statSync(file).mode & 0o777, 0o600);
  t.deepEqual([history.getPreviousHistory(), history.getPreviousHistory(), history.getPreviousHistory(), history.getPreviousHistory()], ['event list', 'client show Kevin Casey', 'client list', 'client list']);
  t.deepEqual([history.getNextHistory(), history.getNextHistory(), history.getNextHistory(), history.getNextHistory()], ['client show Kevin Casey', 'event list', '', '']);

  history.newCommand('my password typed as a command');
  t.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), ['client list', 'client show Kevin Casey', 'event list'], 'not on disk');
  t.is(history.getPreviousHistory(), 'event list', 'nor in memory');

  // Another collaborator's lines, and back; a file that is not a list of lines is an empty history.
  history.use(dir, 'collaborator-2', keepsInHistory);
  t.is(history.getPreviousHistory(), undefined);
  fs.writeFileSync(path.join(dir, 'cmd_history_collaborator-3'), '{not json');
  history.use(dir, 'collaborator-3', keepsInHistory);
  t.is(history.getPreviousHistory(), undefined);
  history.use(dir, 'collaborator-1', keepsInHistory);
  t.is(history.getPreviousHistory(), 'event list');

  for (let i = 0; i < HISTORY_LINES + 20; i++) history.newCommand(`client show #${i}`);
  const kept = JSON.parse(fs.readFileSync(file, 'utf8')) as string[];
  t.is(kept.length, HISTORY_LINES);
  t.is(kept[kept.length - 1], `client show #${HISTORY_LINES + 19}`);
});

test.serial('a line typed in the shell runs the command and prints to the shell streams', async (t) => {
  const { shell, out, err } = t.context;
  await shell.session.login('sam@epic.test', PASSWORD);
  await shell.handlers.line('client show Kevin Casey --format json');
  t.is(JSON.parse(out.text()).fullName, 'Kevin Casey');
  await shell.handlers.line('collaborator list');
  t.regex(err.text(), /"collaborator list" is not available to sales/);
  await shell.handlers.line('exit');
  t.is(await shell.closed, 0);
});
