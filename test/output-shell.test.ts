import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import anyTest, { type TestFn } from 'ava';
import { ValidationError } from '../lib/errors';
import { turnOffLibraryColour } from '../lib/shell/line-editor';
import * as clients from '../lib/services/clients';
import * as contracts from '../lib/services/contracts';
import * as events from '../lib/services/events';
import { ShellSession } from '../lib/session/shell-session';
import { Runner } from '../lib/shell/runner';
import { Contract } from '../models';
import { testApp } from './helpers/app';
import { freshDatabase } from './helpers/database';
import { parseTsv, scriptedPrompter, shellHarness } from './helpers/shell';
import { memoryIO } from './helpers/io';
import { buildWorld, PASSWORD, type World } from './helpers/world';

/** Output through the shell's command path: files, sections of `show`, colour and notices. */
const test = anyTest as TestFn<{ w: World; dir: string }>;

test.before(async (t) => {
  t.context.w = await buildWorld(await freshDatabase());
  t.context.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epic-output-'));
});
test.after.always(async (t) => {
  if (t.context.dir) fs.rmSync(t.context.dir, { recursive: true, force: true });
  await t.context.w?.db.drop();
});



test.serial('> file is checked before the command runs: a payment is not made when its output cannot be saved', async (t) => {
  const { w, dir } = t.context;
  const shell = shellHarness(w.db, w.clock);
  await shell.loginAs('sam@epic.test');
  const amountDue = async () => (await w.as(w.sales, (ctx) => contracts.showContract(ctx, String(w.ownSigned.id)))).amountDue;
  const before = await amountDue();
  t.is(await shell.run(`contract pay ${w.ownSigned.id} 100 > ${dir}/`), 1);
  t.regex(shell.stderr.text(), /cannot write .*\/: is a folder/);
  t.is(await shell.run(`contract pay ${w.ownSigned.id} 100 > ${dir}/missing/pay.csv`), 1);
  t.regex(shell.stderr.text(), /cannot write .*pay\.csv: no such folder .*missing/);
  fs.writeFileSync(path.join(dir, 'plain'), '');
  t.is(await shell.run(`contract pay ${w.ownSigned.id} 100 > ${dir}/plain/pay.csv`), 1);
  t.regex(shell.stderr.text(), /plain is not a folder/);
  t.is(await amountDue(), before, 'nothing was paid');
  t.notRegex(shell.stderr.text(), /ENOENT|EISDIR|ENOTDIR/);
});

test.serial('a write that fails after the change says "done; could not write", not that the change failed', async (t) => {
  const { w, dir } = t.context;
  const shell = shellHarness(w.db, w.clock);
  await shell.loginAs('sam@epic.test');
  const file = path.join(dir, 'paid.csv');
  const elsewhere = path.join(dir, 'elsewhere.csv');
  // Between the check and the write, someone plants a link where the file was to be created.
  Contract.addHook('afterUpdate', 'plant-link', () => fs.symlinkSync(elsewhere, file));
  try {
    t.is(await shell.run(`contract pay ${w.ownSigned.id} 100 > ${file}`), 0);
  } finally {
    Contract.removeHook('afterUpdate', 'plant-link');
  }
  t.regex(shell.stderr.text(), /Payment recorded: 2400\.00 € still due/);
  t.regex(shell.stderr.text(), /done; could not write .*paid\.csv: is a symbolic link/);
  t.notRegex(shell.stderr.text(), /error/);
  t.false(fs.existsSync(elsewhere));
  fs.rmSync(file);
});

test.serial('>> appends without a second header; JSON is refused for appending, JSON lines accepted; unknown extensions refused', async (t) => {
  const { w, dir } = t.context;
  const shell = shellHarness(w.db, w.clock);
  await shell.loginAs('sam@epic.test');
  const csv = path.join(dir, 'mine.csv');
  t.is(await shell.run(`client list --mine > ${csv}`), 0);
  t.is(await shell.run(`client list --mine >> ${csv}`), 0);
  const lines = fs.readFileSync(csv, 'utf8').trimEnd().split('\r\n');
  t.regex(lines[0], /^id,fullName,/);
  t.deepEqual(lines.slice(1).map((line) => Number(line.split(',')[0])), [w.ownClient.id, w.ownProspect.id, w.ownClient.id, w.ownProspect.id], 'the same rows twice, one header');

  t.is(await shell.run(`client list --mine >> ${dir}/mine.json`), 2);
  t.regex(shell.stderr.text(), /cannot append to .*mine\.json: a JSON file holds one document.*\.jsonl/);
  t.false(fs.existsSync(path.join(dir, 'mine.json')));

  const jsonl = path.join(dir, 'mine.jsonl');
  t.is(await shell.run(`client list --mine >> ${jsonl}`), 0);
  t.is(await shell.run(`client show Kevin Casey >> ${jsonl}`), 0);
  const objects = fs.readFileSync(jsonl, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
  t.deepEqual(objects.map((o) => o.fullName), ['Kevin Casey', 'Olivia Prospect', 'Kevin Casey']);

  t.is(await shell.run(`client list --mine > ${dir}/mine.txt`), 2);
  t.regex(shell.stderr.text(), /cannot tell which format to write to .*mine\.txt: name it \.csv, \.tsv, \.json or \.jsonl, or give --format/);
  t.false(fs.existsSync(path.join(dir, 'mine.txt')));
  t.is(await shell.run(`client list --mine --format csv > ${dir}/mine.txt`), 0);
  t.regex(fs.readFileSync(path.join(dir, 'mine.txt'), 'utf8'), /^id,fullName,/);
});

test.serial('show keeps its sections: TSV blocks with a header each, JSON nested; client show has the support contact', async (t) => {
  const { w } = t.context;
  const shell = shellHarness(w.db, w.clock);
  await shell.loginAs('sam@epic.test');
  t.is(await shell.run('client show Kevin Casey'), 0);
  const blocks = shell.stdout.text().split('\n\n');
  t.is(blocks.length, 4, shell.stdout.text());
  t.is(parseTsv(blocks[0])[0].fullName, 'Kevin Casey');
  const [contractsTitle, ...contracts] = blocks[1].split('\n');
  t.is(contractsTitle, '# contracts');
  const kevins = [w.ownSigned.id, w.ownUnsigned.id, w.ownSignedFree.id].map(String);
  t.deepEqual(parseTsv(contracts.join('\n')).map((k) => k.id), kevins);
  const [eventsTitle, ...eventLines] = blocks[2].split('\n');
  t.is(eventsTitle, '# events');
  const [event] = parseTsv(eventLines.join('\n'));
  t.is(event.name, 'Casey Launch Party');
  t.is(event.supportContact, 'Paul Support');
  t.is(blocks[3].split('\n')[0], '# recentContacts');

  shell.stdout.clear();
  t.is(await shell.run('client show Kevin Casey --format json'), 0);
  const json = JSON.parse(shell.stdout.text());
  t.deepEqual(json.contracts.map((k: { id: number }) => String(k.id)), kevins);
  t.is(json.events[0].supportContact, 'Paul Support');

  shell.stdout.clear();
  t.is(await shell.run('event show Casey Launch Party --format csv'), 0);
  const csv = shell.stdout.text().split('\r\n');
  t.true(csv.includes('# client'));
  t.is(csv[csv.indexOf('# client') + 1], 'fullName,email,phone,companyName,salesContact');
  shell.stdout.clear();
  t.is(await shell.run('event show Casey Launch Party --format json'), 0);
  t.deepEqual(JSON.parse(shell.stdout.text()).client, { fullName: 'Kevin Casey', email: 'kevin@startup.test', phone: '+33612345678', companyName: 'Cool Startup LLC', salesContact: 'Sam Sales' });
});

test.serial('a declined confirmation is a plain notice, not an error', async (t) => {
  const { w } = t.context;
  const prompt = scriptedPrompter(['n']);
  const shell = shellHarness(w.db, w.clock, { prompt });
  await shell.loginAs('sam@epic.test');
  t.is(await shell.run('client delete Olivia Prospect'), 1);
  t.is(shell.stderr.text(), 'cancelled: nothing was deleted\n');
});

function colourRunner(w: World, noColor: boolean) {
  const app = testApp(w.db, w.clock);
  const prompt = scriptedPrompter();
  const { io, stdout, stderr } = memoryIO({ terminal: true, columns: 100, env: noColor ? { NO_COLOR: '1' } : {} });
  const runner = new Runner({ app, prompt, session: new ShellSession(app, prompt), io });
  return { runner, app, io, stdout, stderr };
}

test.serial('help is plain text with only the headings styled; NO_COLOR leaves no colour at all', async (t) => {
  const { w } = t.context;
  const coloured = colourRunner(w, false);
  t.is(await coloured.runner.executeLine('help'), 0);
  const lines = coloured.stderr.text().split('\n');
  t.true(lines.includes('\u001b[1msession\u001b[22m'), 'a heading is bold');
  t.true(lines.some((line) => /^ {2}login +/.test(line)), 'command lines are plain');
  t.is(lines.filter((line) => line.includes('\u001b')).length, lines.filter((line) => /^\u001b\[1m[\w ]+\u001b\[22m$/.test(line)).length, 'nothing but headings is styled');

  const plain = colourRunner(w, true);
  await plain.app.db();
  await plain.runner.executeLine('help');
  t.false(plain.stderr.text().includes('\u001b'));
  const session = new ShellSession(plain.app, scriptedPrompter());
  await session.login('sam@epic.test', PASSWORD);
  const runner = new Runner({ app: plain.app, prompt: scriptedPrompter(), session, io: plain.io });
  t.is(await runner.executeLine('client list'), 0);
  t.is(await runner.executeLine('client show Nobody At All'), 1);
  t.regex(plain.stdout.text(), /Kevin Casey/);
  t.false(plain.stdout.text().includes('\u001b'));
  t.false(plain.stderr.text().includes('\u001b'));
});

test('under NO_COLOR the shell libraries draw the typed line without colour', (t) => {
  const chalkOf = (library: string) => {
    const from = path.dirname(require.resolve(`${library}/package.json`, { paths: [path.dirname(require.resolve('vorpal/package.json'))] }));
    return require(require.resolve('chalk', { paths: [from] })) as { enabled: boolean; cyan(text: string): string };
  };
  for (const library of ['vorpal', 'inquirer']) chalkOf(library).enabled = true;
  t.is(chalkOf('vorpal').cyan('typed'), '\u001b[36mtyped\u001b[39m', 'colour is on before');
  turnOffLibraryColour();
  for (const library of ['vorpal', 'inquirer']) t.is(chalkOf(library).cyan('typed'), 'typed', library);
});

test.serial('names and one-line fields refuse bidi controls, zero-width characters and line separators; notes keep newlines', async (t) => {
  const { w } = t.context;
  for (const bad of ['Kevin\u202eesac', 'Ke\u200bvin', 'Kevin\u2066Casey\u2069', 'Kev\ufeffin', 'Kevin\u2028Casey']) {
    await t.throwsAsync(
      () => w.as(w.sales, (ctx) => clients.createClient(ctx, { fullName: bad, email: 'bidi@x.test', phone: '0612345600' })),
      { instanceOf: ValidationError, message: /name: must not contain invisible or text-direction characters/ },
      JSON.stringify(bad),
    );
  }
  await t.throwsAsync(() => w.as(w.sales, (ctx) => clients.updateClient(ctx, 'Kevin Casey', { companyName: 'Cool\u200d Startup' })), { instanceOf: ValidationError, message: /^company: must not contain invisible/ });
  await t.throwsAsync(() => w.as(w.support, (ctx) => events.updateEvent(ctx, 'Casey Launch Party', { location: 'Lyon\u2029Paris' })), { instanceOf: ValidationError, message: /^location: must not contain invisible/ });
  const updated = await w.as(w.support, (ctx) => events.updateEvent(ctx, 'Casey Launch Party', { notes: 'Vegan buffet\nDJ at 22:00' }));
  t.is(updated.notes, 'Vegan buffet\nDJ at 22:00');
});
