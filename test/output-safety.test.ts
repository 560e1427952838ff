import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import anyTest, { type TestFn } from 'ava';
import { freshDatabase } from './helpers/database';
import { EPIC } from './helpers/epic';
import { epicUserInProcess } from './helpers/epic-in-process';
import { buildWorld, insertRow, PASSWORD, signIn, type World } from './helpers/world';

/**
 * What a colleague stored must not attack the reader: stored escape sequences never reach the
 * output, spreadsheet formulas are neutralised, and `> file` is private and never follows a
 * planted link. Commands run as `epic` runs them (`main`, in this process: helpers/epic-in-process.ts),
 * and in a real terminal through the real `epic` binary.
 */
const test = anyTest as TestFn<{ w: World; sam: ReturnType<typeof epicUserInProcess>; hostile: Record<string, unknown>; formula: Record<string, unknown> }>;

const ESC = '\u001b';
// A clipboard write (OSC 52), a window title (OSC 0), a screen clear (CSI), a C1 CSI, DEL and a
// right-to-left override, all in one stored name.
const HOSTILE_NAME = `Evil ${ESC}]52;c;cm0gLXJmIH4=\u0007${ESC}]0;pwned\u0007${ESC}[2J\u009b31m\u007f\u202eKcor`;
// Any control character but the tab and line feed that TSV and CSV are made of.
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200b-\u200d\u2028\u2029\ufeff]/;

test.before(async (t) => {
  const w = await buildWorld(await freshDatabase());
  t.context.w = w;
  // Written straight into the database, as an old row or another program could have.
  t.context.hostile = await insertRow(w.db, 'clients', { fullName: HOSTILE_NAME, email: 'evil@x.test', phone: '+33600000001', companyName: `Shady${ESC}[31m Co`, salesContactId: w.sales.id });
  t.context.formula = await insertRow(w.db, 'clients', { fullName: 'Dupont;=1+1', email: 'formula@x.test', phone: '+33600000002', companyName: '＝HYPERLINK("http://evil.test")', salesContactId: w.sales.id });
  await insertRow(w.db, 'clients', { fullName: '-2+3 Minus', email: 'minus@x.test', phone: '+33600000003', companyName: '@SUM(A1:A9)', salesContactId: w.sales.id });
  const sam = epicUserInProcess(w.db.url);
  await signIn(sam, w.db, w.sales.id);
  t.context.sam = sam;
});
test.after.always(async (t) => {
  if (t.context.sam) fs.rmSync(t.context.sam.home, { recursive: true, force: true, maxRetries: 10 });
  await t.context.w?.db.drop();
});

test('a stored name with escape sequences is shown escaped in TSV, table, record and JSON output', async (t) => {
  const { sam, hostile } = t.context;
  for (const args of [['client', 'list', '--all'], ['client', 'list', '--all', '--format', 'table'], ['client', 'list', '--all', '--format', 'csv'], ['client', 'show', `#${String(hostile.id)}`, '--format', 'table'], ['client', 'show', `#${String(hostile.id)}`]]) {
    const result = await sam.run(args);
    t.is(result.code, 0, result.stderr);
    t.false(RAW.test(result.stdout.replace(/\r?\n/g, '')), `${args.join(' ')} emitted a control character:\n${JSON.stringify(result.stdout)}`);
    t.true(result.stdout.includes('Evil \\x1b]52;c;cm0gLXJmIH4=\\x07\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\x7f\\u202eKcor'), args.join(' '));
  }
  const json = await sam.run(['client', 'show', `#${String(hostile.id)}`, '--format', 'json']);
  t.false(RAW.test(json.stdout.replace(/\n/g, '')), 'no raw C1, DEL or bidi character in JSON either');
  t.is(JSON.parse(json.stdout).fullName, HOSTILE_NAME, 'JSON keeps the exact data');
});

test('error lines and closest-match hints show stored and typed text escaped, and cut', async (t) => {
  const { sam } = t.context;
  const typed = await sam.run(['client', 'show', `Nobody${ESC}]0;owned${ESC}\\`]);
  t.is(typed.code, 1);
  t.false(typed.stderr.includes(ESC));
  t.regex(typed.stderr, /no client named "Nobody\\x1b]0;owned\\x1b\\"/);

  const hint = await sam.run(['client', 'show', 'Evil']);
  t.is(hint.code, 1);
  t.false(RAW.test(hint.stderr.replace(/\n$/, '')), JSON.stringify(hint.stderr));
  t.regex(hint.stderr, /closest: #\d+ Evil \\x1b\]52;c;/);

  const long = await sam.run(['client', 'show', 'a'.repeat(10_000)]);
  t.is(long.code, 1);
  t.true(long.stderr.length < 200, `a 10,000-character look-up is not echoed whole (${long.stderr.length} characters)`);
  t.regex(long.stderr, /no client named "a{59}…"/);
});

test('TSV and CSV neutralise formulas: a leading sign, full-width forms and a separator followed by one', async (t) => {
  const { sam, formula } = t.context;
  for (const format of ['tsv', 'csv']) {
    const out = (await sam.run(['client', 'list', '--all', '--format', format])).stdout;
    const sep = format === 'csv' ? ',' : '\t';
    t.true(out.includes(`Dupont;'=1+1`), `${format}: a cell split on ";" does not start a formula`);
    t.true(out.includes(`'＝HYPERLINK(`), `${format}: the full-width = is neutralised`);
    t.true(out.includes(`${sep}'-2+3 Minus${sep}`), format);
    t.true(out.includes(`${sep}'@SUM(A1:A9)`), format);
    t.true(out.includes(`${sep}tel:+33600000002${sep}`), `${format}: a phone keeps its + in RFC 3966 form`);
    t.false(out.includes("'+33"), `${format}: no apostrophe in front of phone numbers`);
  }
  const json = JSON.parse((await sam.run(['client', 'show', `#${String(formula.id)}`, '--format', 'json'])).stdout);
  t.is(json.phone, '+33600000002', 'JSON keeps the E.164 number');
  t.is(json.fullName, 'Dupont;=1+1');
});

test('> file is created 0600 by a script, and never written through a planted symbolic link', async (t) => {
  const { sam } = t.context;
  const script = await sam.run([], 'client list --all > clients.tsv\nclient list --all > clients.csv\n');
  t.is(script.code, 0, script.stderr);
  for (const file of ['clients.tsv', 'clients.csv']) t.is(fs.statSync(path.join(sam.home, file)).mode & 0o777, 0o600, file);

  const victim = path.join(sam.home, 'victim.txt');
  fs.writeFileSync(victim, 'precious\n');
  fs.symlinkSync(victim, path.join(sam.home, 'planted.csv'));
  for (const line of ['client list > planted.csv', 'client list >> planted.csv']) {
    const result = await sam.run([], `${line}\n`);
    t.is(result.code, 1, line);
    t.regex(result.stderr, /cannot write planted\.csv: is a symbolic link \(not followed\)/);
  }
  t.is(fs.readFileSync(victim, 'utf8'), 'precious\n');
});

const ENDED = '--command-ended--';

/** The real `epic` binary in an 80-column terminal (tmux, on a private socket). */
function terminal(sam: ReturnType<typeof epicUserInProcess>, args: string[], moreEnv: Record<string, string> = {}) {
  const socket = `epic-output-${crypto.randomBytes(4).toString('hex')}`;
  const script = path.join(sam.home, `${socket}.sh`);
  const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
  const env = Object.entries({ ...sam.env, ...moreEnv }).map(([key, value]) => `export ${key}=${quote(value)}`);
  // The pane stays open after the command, with a marker that says it ended.
  fs.writeFileSync(script, [...env, `cd ${quote(sam.home)}`, `${quote(process.execPath)} ${quote(EPIC)} ${args.map(quote).join(' ')}`, `echo ${ENDED}`, 'sleep 600'].join('\n'));
  const config = path.join(sam.home, `${socket}.conf`);
  fs.writeFileSync(config, 'set -g allow-rename on\nset -g status off\n');
  const tmux = (...more: string[]) => execFileSync('tmux', ['-L', socket, '-f', config, ...more], { encoding: 'utf8' });
  tmux('new-session', '-d', '-x', '80', '-y', '50', '-n', 'epic-window', `sh ${quote(script)}`);
  const screen = (...options: string[]) => tmux('capture-pane', '-p', ...options).trimEnd();
  const pause = () => new Promise((resolve) => setTimeout(resolve, 100));
  return {
    screen,
    title: () => tmux('display-message', '-p', '#{pane_title}|#{window_name}').trim(),
    type: (text: string) => tmux('send-keys', '-l', text),
    enter: () => tmux('send-keys', 'Enter'),
    async waitFor(pattern: RegExp): Promise<string> {
      for (let i = 0; i < 300; i++) {
        if (pattern.test(screen())) return screen();
        await pause();
      }
      throw new Error(`never saw ${pattern}:\n${screen()}`);
    },

    close(): void {
      try {
        tmux('kill-server');
      } catch {
        /* already gone */
      }
    },
  };
}

test.serial('in a real 80-column terminal the client list fits without wrapping, and a stored title escape changes nothing', async (t) => {
  const term = terminal(t.context.sam, ['client', 'list', '--all']);
  try {
    await term.waitFor(new RegExp(ENDED));
    const lines = term.screen().split('\n').slice(0, -1);
    t.regex(lines[0], /^ID {2}Name/, lines.join('\n'));
    t.deepEqual(lines, term.screen('-J').split('\n').slice(0, -1), 'no line wrapped');
    t.true(lines.some((line) => line.includes('Kevin Casey')));
    t.true(lines.some((line) => line.includes('Evil \\x1b]52;c;')), 'the hostile name is shown escaped');
    t.false(term.title().includes('pwned'), `the window title was not rewritten (${term.title()})`);
  } finally {
    term.close();
  }
});

test.serial('in the shell under NO_COLOR nothing is coloured, the typed line included; a confirmation is asked like other questions and a no is a plain notice', async (t) => {
  const term = terminal(t.context.sam, [], { NO_COLOR: '1' });
  try {
    await term.waitFor(/epic>/);
    term.type('login sam@epic.test');
    term.enter();
    await term.waitFor(/Password/);
    term.type(PASSWORD);
    term.enter();
    await term.waitFor(/epic \(Sam Sales · sales\)>/);
    term.type('client delete Olivia Prospect');
    term.enter();
    const asked = await term.waitFor(/Delete client #\d+ Olivia Prospect and its 0 contracts\? \[y\/N\]/);
    t.notRegex(asked, /\(y\/N\)/, "not inquirer's own yes/no style");
    term.type('n');
    term.enter();
    const answered = await term.waitFor(/cancelled: nothing was deleted/);
    t.notRegex(answered, /error: cancelled/);
    term.type('help');
    term.enter();
    await term.waitFor(/help <command> explains one/);
    // -e keeps the terminal's attributes: any colour or style would show as an escape sequence.
    const withAttributes = term.screen('-e');
    t.false(withAttributes.includes('\u001b['), JSON.stringify(withAttributes));
  } finally {
    term.close();
  }
});
