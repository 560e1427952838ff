import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import anyTest, { type TestFn } from 'ava';
import { availableTo } from '../lib/commands';
import { freshDatabase } from './helpers/database';
import { parseTsv, scriptedPrompter, shellHarness } from './helpers/shell';
import { buildWorld, rebuildWorld, snapshot, type World } from './helpers/world';

const test = anyTest as TestFn<{ w: World }>;

test.before(async (t) => {
  t.context.w = await buildWorld(await freshDatabase());
});
test.after.always(async (t) => {
  await t.context.w?.db.drop();
});

test('logged out, only login, logout (of a stored session epic refuses), help and exit exist', (t) => {
  t.deepEqual(availableTo(undefined).map((s) => s.name).sort(), ['exit', 'help', 'login', 'logout']);
});

// The README's "Who may do what", written out: what each role's shell offers besides the
// commands of everyone logged in.
const EVERYONE = ['exit', 'help', 'logout', 'passwd', 'whoami'];
const READ = ['agenda', 'client contacts', 'client history', 'client list', 'client show', 'contract history', 'contract list', 'contract show', 'event history', 'event list', 'event show'];
const COMMAND_SETS = {
  management: [
    ...['collaborator list', 'collaborator show', 'collaborator create', 'collaborator update', 'collaborator delete', 'collaborator reset-password', 'collaborator history', 'activity'],
    ...['client reassign', 'client contact', 'contract create', 'contract update', 'contract sign', 'contract pay', 'contract delete', 'event assign', 'event unassign'],
  ],
  sales: ['client create', 'client update', 'client delete', 'client contact', 'contract update', 'contract sign', 'contract pay', 'event create', 'event update', 'event delete'],
  support: ['event update'],
};

for (const role of ['management', 'sales', 'support'] as const) {
  test(`the ${role} command set is what the permission table allows`, (t) => {
    t.deepEqual(availableTo(role).map((s) => s.name).sort(), [...EVERYONE, ...READ, ...COMMAND_SETS[role]].sort());
  });
}

test.serial('a command of another role answers "not available to <role>" with exit code 4', async (t) => {
  const { w } = t.context;
  const shell = shellHarness(w.db, w.clock);
  await shell.loginAs('paul@epic.test');
  t.is(await shell.run('client create --name X --email x@x.test --phone 0612345678'), 4);
  t.regex(shell.stderr.text(), /"client create" is not available to support/);
});

test.serial('an unknown command is a usage error (exit 2), a bad option too', async (t) => {
  const { w } = t.context;
  const shell = shellHarness(w.db, w.clock);
  await shell.loginAs('sam@epic.test');
  t.is(await shell.run('frobnicate'), 2);
  t.regex(shell.stderr.text(), /unknown command "frobnicate"/);
  t.is(await shell.run('client list --colour red'), 2);
  t.regex(shell.stderr.text(), /unknown option --colour/);
});

test.serial('not logged in: exit code 4', async (t) => {
  const { w } = t.context;
  const shell = shellHarness(w.db, w.clock);
  t.is(await shell.run('client list'), 4);
  t.regex(shell.stderr.text(), /not logged in/);
});

test.serial('names with spaces need no quotes; accents and case do not matter', async (t) => {
  const { w } = t.context;
  const shell = shellHarness(w.db, w.clock);
  await shell.loginAs('sam@epic.test');
  t.is(await shell.run('client show elodie DURAND'), 0);
  t.regex(shell.stdout.text(), /elodie@example\.test/);
  shell.stdout.clear();
  t.is(await shell.run('client show "Kevin Casey" --format json'), 0);
  t.is(JSON.parse(shell.stdout.text()).email, 'kevin@startup.test');
  t.is(await shell.run(`client show #${w.ownClient.id}`), 0);
});

test.serial('an unknown name lists the closest matches with their ids', async (t) => {
  const { w } = t.context;
  const shell = shellHarness(w.db, w.clock);
  await shell.loginAs('sam@epic.test');
  t.is(await shell.run('client show Kevin Casy'), 1);
  t.regex(shell.stderr.text(), new RegExp(`no client named "Kevin Casy"; closest: #${w.ownClient.id} Kevin Casey`));
});

test.serial('a name two clients share lists both with their ids; a name one event has shows it; an unknown event says so with the closest names', async (t) => {
  const { w } = t.context;
  const [[twin]] = (await w.db.owner.query(
    `INSERT INTO clients ("fullName", email, phone, "salesContactId", "createdAt", "updatedAt", version) VALUES ('KEVIN CASEY', 'other.kevin@twin.test', '+33600000002', ${w.sales.id}, now(), now(), 0) RETURNING id`,
  )) as [{ id: number }[], unknown];
  try {
    const shell = shellHarness(w.db, w.clock);
    await shell.loginAs('sam@epic.test');
    t.is(await shell.run('client show kevin casey'), 1);
    t.regex(shell.stderr.text(), new RegExp(`"kevin casey" names 2 clients: #${w.ownClient.id} Kevin Casey, #${twin.id} KEVIN CASEY; use the id`));
    t.is(await shell.run(`event show ${w.assignedEvent.name} --format json`), 0);
    t.is(JSON.parse(shell.stdout.text()).id, w.assignedEvent.id);
    t.is(await shell.run('event show #99999999'), 1);
    t.regex(shell.stderr.text(), /no event #99999999/);
    t.is(await shell.run(`event show ${w.assignedEvent.name.slice(0, -1)}`), 1);
    t.regex(shell.stderr.text(), new RegExp(`no event named "${w.assignedEvent.name.slice(0, -1)}"; closest: #${w.assignedEvent.id} `));
    // A NUL can be in no name: not found, as any other name no record has.
    t.is(await shell.run('client show "Kevin\u0000Casey"'), 1);
    t.regex(shell.stderr.text(), /no client named/);
  } finally {
    await w.db.owner.query(`DELETE FROM clients WHERE id = ${twin.id}`);
  }
});

test.serial('> file writes exact CSV and JSON, without colour codes', async (t) => {
  const { w } = t.context;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epic-out-'));
  const shell = shellHarness(w.db, w.clock, { terminal: true });
  await shell.loginAs('sam@epic.test');
  t.is(await shell.run(`client list --mine > ${dir}/mine.csv`), 0);
  const csv = fs.readFileSync(`${dir}/mine.csv`, 'utf8');
  t.false(csv.includes('\u001b['));
  const lines = csv.trimEnd().split('\r\n');
  t.is(lines[0], 'id,fullName,email,phone,companyName,salesContact,createdAt,updatedAt,lastContactAt');
  const ids = (rows: string[]) => rows.map((line) => Number(line.split(',')[0]));
  t.deepEqual(ids(lines.slice(1)), [w.ownClient.id, w.ownProspect.id], 'Kevin Casey and Olivia Prospect, in name order');
  t.true(lines[1].startsWith(`${w.ownClient.id},Kevin Casey,kevin@startup.test,tel:+33612345678,Cool Startup LLC,Sam Sales,`));
  t.is(await shell.run(`event show Casey Launch Party > "${dir}/event.json"`), 0);
  const event = JSON.parse(fs.readFileSync(`${dir}/event.json`, 'utf8'));
  t.is(event.name, 'Casey Launch Party');
  t.is(event.client.email, 'kevin@startup.test', 'the client contact is one nested object');
  t.is(await shell.run(`client list --mine --format tsv >> ${dir}/mine.csv`), 2, 'a .csv file is not written as TSV');
  t.regex(shell.stderr.text(), /mine\.csv is a CSV file name but --format tsv was given/);
  t.is(await shell.run(`client list --mine >> ${dir}/mine.csv`), 0);
  const appended = fs.readFileSync(`${dir}/mine.csv`, 'utf8').trimEnd().split('\r\n');
  t.deepEqual(ids(appended.slice(1)), [w.ownClient.id, w.ownProspect.id, w.ownClient.id, w.ownProspect.id], 'the same rows again, without a second header');
  t.is(shell.stdout.text(), '', 'nothing went to the screen');
  fs.rmSync(dir, { recursive: true, force: true });
});

test.serial('> file with a relative name is written in the folder of the streams, and named as typed', async (t) => {
  const { w } = t.context;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epic-cwd-'));
  const shell = shellHarness(w.db, w.clock, { cwd: dir });
  await shell.loginAs('sam@epic.test');
  t.is(await shell.run('client list --mine > mine.tsv'), 0);
  t.regex(fs.readFileSync(path.join(dir, 'mine.tsv'), 'utf8'), /^id\tfullName\t/);
  t.false(fs.existsSync(path.join(process.cwd(), 'mine.tsv')), 'not in the folder of the process');
  t.regex(shell.stderr.text(), /^written to mine\.tsv$/m);
  t.is(await shell.run('client list > missing/out.csv'), 1);
  t.regex(shell.stderr.text(), /cannot write missing\/out\.csv: no such folder missing\n/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test.serial('an unwritable redirection is an error, not a crash', async (t) => {
  const { w } = t.context;
  const shell = shellHarness(w.db, w.clock);
  await shell.loginAs('sam@epic.test');
  t.is(await shell.run('client list > /nonexistent-dir/out.csv'), 1);
  t.regex(shell.stderr.text(), /cannot write \/nonexistent-dir\/out\.csv: no such folder \/nonexistent-dir\n/);
});

test.serial('CSV neutralises formula cells; TSV has a header line and no colour', async (t) => {
  const { w } = t.context;
  const shell = shellHarness(w.db, w.clock);
  await shell.loginAs('sam@epic.test');
  t.is(await shell.run('client create --name =HYPERLINK("http://evil") --email formula@x.test --phone 0611111112 --company @SUM(A1)'), 0);
  shell.stdout.clear();
  t.is(await shell.run('client list --search formula --format csv'), 0);
  t.regex(shell.stdout.text(), /'=HYPERLINK\(http:\/\/evil\)/);
  t.regex(shell.stdout.text(), /,'@SUM\(A1\),/);
  shell.stdout.clear();
  t.is(await shell.run('client list --search formula'), 0);
  const rows = parseTsv(shell.stdout.text());
  t.is(rows[0].companyName, "'@SUM(A1)", 'TSV is neutralised too');
  t.false(shell.stdout.text().includes('\u001b['));
});

test.serial('lists show 30 rows unless --limit or --all, and say so', async (t) => {
  const { w } = t.context;
  const shell = shellHarness(w.db, w.clock);
  await shell.loginAs('sam@epic.test');
  t.is(await shell.run('client list --limit 1'), 0);
  t.is(parseTsv(shell.stdout.text()).length, 1);
  t.regex(shell.stderr.text(), /showing 1 of \d+/);
  // A value of the wrong kind is bad input (1); a malformed command line (both --limit and --all) is a usage error (2).
  t.is(await shell.run('client list --limit 0'), 1);
  t.is(await shell.run('client list --limit 2 --all'), 2);
});

test.serial('destructive commands need --yes when not on a terminal, and ask on one', async (t) => {
  const { w } = t.context;
  const shell = shellHarness(w.db, w.clock);
  await shell.loginAs('sam@epic.test');
  const before = await snapshot();
  t.is(await shell.run('client delete Olivia Prospect'), 2);
  t.regex(shell.stderr.text(), /add --yes/);
  t.is(await snapshot(), before);
});

test.serial('a confirmation names the record found; an unknown or forbidden one is refused before any question', async (t) => {
  const { w } = t.context;
  const asking = async (email: string, line: string, answer = 'n') => {
    const prompt = scriptedPrompter([answer]);
    const shell = shellHarness(w.db, w.clock, { prompt });
    await shell.loginAs(email);
    prompt.asked.length = 0;
    return { code: await shell.run(line), asked: [...prompt.asked], stderr: shell.stderr.text() };
  };
  // Each run logs in afresh, so sessions change: the records alone must not.
  const records = () => w.db.owner.query('SELECT (SELECT count(*) FROM collaborators) AS a, (SELECT count(*) FROM clients) AS b, (SELECT count(*) FROM contracts) AS c, (SELECT count(*) FROM events) AS d');
  const before = JSON.stringify(await records());
  const cases: [string, string, string][] = [
    ['sam@epic.test', 'client delete olivia prospect', `Delete client #${w.ownProspect.id} Olivia Prospect and its 0 contracts?`],
    ['sam@epic.test', 'client delete Kevin Casey', `Delete client #${w.ownClient.id} Kevin Casey and its 3 contracts?`],
    ['maud@epic.test', `contract delete ${w.ownUnsigned.id}`, `Delete contract #${w.ownUnsigned.id} of Kevin Casey (unsigned)?`],
    ['sam@epic.test', 'event delete casey launch party', `Delete event #${w.assignedEvent.id} Casey Launch Party of Kevin Casey?`],
    ['maud@epic.test', 'collaborator delete sonia@epic.test --reassign-to Sam Sales', `Delete collaborator #${w.otherSales.id} Sonia Sales (sales), giving 2 clients to Sam Sales?`],
    ['maud@epic.test', 'collaborator delete Pia Support', `Delete collaborator #${w.otherSupport.id} Pia Support (support)?`],
  ];
  for (const [email, line, question] of cases) {
    const run = await asking(email, line);
    t.deepEqual(run.asked, [question], line);
    t.is(run.code, 1, `${line}: a no cancels`);
    t.regex(run.stderr, /cancelled: nothing was deleted/, line);
  }
  for (const [line, refusal, code] of [
    ['client delete Olivia Prospekt', /no client named "Olivia Prospekt"; closest: #\d+ Olivia Prospect/, 1],
    ['client delete Oscar Prospect', /permission denied: sales may \w+ only/, 4],
  ] as const) {
    const run = await asking('sam@epic.test', line);
    t.deepEqual(run.asked, [], `${line}: nothing asked`);
    t.is(run.code, code, line);
    t.regex(run.stderr, refusal, line);
  }
  t.is(JSON.stringify(await records()), before, 'a no deletes nothing');
  const yes = await asking('sam@epic.test', 'client delete Olivia Prospect', 'y');
  t.is(yes.code, 0);
  t.deepEqual(yes.asked, [`Delete client #${w.ownProspect.id} Olivia Prospect and its 0 contracts?`]);
  t.is(await w.db.owner.query(`SELECT 1 FROM clients WHERE id = ${w.ownProspect.id}`).then(([rows]) => rows.length), 0, 'a yes deletes it');
  t.context.w = await rebuildWorld(w);
});

test.serial('refused actions through the shell change nothing', async (t) => {
  const { w } = t.context;
  const shell = shellHarness(w.db, w.clock);
  await shell.loginAs('sam@epic.test');
  const before = await snapshot();
  for (const line of [
    'client update Élodie Durand --company Stolen',
    `contract sign ${w.otherUnsigned.id}`,
    `contract pay ${w.otherSigned.id} 10`,
    'event update Durand Wedding --notes mine now',
    'event delete Durand Gala --yes',
    'client delete Oscar Prospect --yes',
  ]) {
    shell.stderr.clear();
    t.is(await shell.run(line), 4, line);
    t.regex(shell.stderr.text(), /^error: permission denied: sales may \w+ only/, line);
  }
  t.is(await snapshot(), before);
});

test.serial('deleting a record others depend on is refused with a clear message', async (t) => {
  const { w } = t.context;
  const sales = shellHarness(w.db, w.clock);
  await sales.loginAs('sam@epic.test');
  const manager = shellHarness(w.db, w.clock);
  await manager.loginAs('maud@epic.test');
  const before = await snapshot();
  t.is(await sales.run('client delete Kevin Casey --yes'), 1);
  t.regex(sales.stderr.text(), /error: cannot delete: it still has contracts/);
  t.is(await manager.run(`contract delete ${w.ownSigned.id} --yes`), 1);
  t.regex(manager.stderr.text(), /error: cannot delete: it still has an event/);
  t.is(await snapshot(), before);
});
