import test from 'ava';
import { COMMANDS } from '../lib/commands';
import { MAX_LIMIT, permitted } from '../lib/commands/declare';
import { parseInput } from '../lib/commands/options';
import type { CommandSpec } from '../lib/commands/types';
import { UsageError, ValidationError } from '../lib/errors';
import { ACTIONS } from '../lib/permissions';
import { tokenize, unquoted } from '../lib/shell/tokenize';

/** The command-line parser against the real command declarations; no database involved. */

process.env.TZ = 'Europe/Paris';

function command(name: string): CommandSpec {
  const spec = COMMANDS.find((s) => s.name === name);
  if (!spec) throw new Error(`no command ${name}`);
  return spec;
}

/** Parses what follows the command name, as typed in the shell. */
const parse = (name: string, line: string) => parseInput(command(name), tokenize(line).words);

test('flags are false unless given; text runs up to the next option', (t) => {
  const { options } = parse('client list', '--search Kevin Casey --mine');
  t.is(options.search, 'Kevin Casey');
  t.is(options.mine, true);
  t.is(parse('client list', '').options.mine, false);
});

test('a list shows 30 rows by default, --limit n of them, --all every one', (t) => {
  t.is(parse('client list', '').options.limit, 30);
  t.is(parse('client list', '--limit 5').options.limit, 5);
  t.is(parse('client list', '--all').options.limit, undefined);
});

test('integers are checked against their bounds, and the message names both', (t) => {
  for (const typed of ['0', String(MAX_LIMIT + 1), 'many', '-3']) {
    const error = t.throws(() => parse('client list', `--limit ${typed}`), { instanceOf: ValidationError });
    t.is(error?.message, `limit: expected a whole number from 1 to ${MAX_LIMIT}`);
  }
  t.is(parse('event update', 'Gala --attendees 1000000').options.attendees, 1_000_000);
  t.throws(() => parse('event update', 'Gala --attendees 1000001'), { message: 'attendees: expected a whole number from 0 to 1000000' });
});

test('one-of options take one of their choices, in any case', (t) => {
  t.is(parse('client list', '--format JSON').options.format, 'json');
  t.throws(() => parse('client list', '--format xml'), { instanceOf: ValidationError, message: 'format: expected one of table, tsv, csv, json, jsonl, ics, got "xml"' });
  t.is(parse('collaborator list', '--role commercial').options.role, 'commercial');
  t.throws(() => parse('collaborator list', '--role boss'), { message: /^role: expected one of management, gestion, sales, commercial, support/ });
});

test('money is normalised, and a negative amount "must be positive"', (t) => {
  t.is(parse('contract update', '3 --total 1 500,5 €').options.total, '1500.50');
  t.throws(() => parse('contract update', '3 --due -5'), { instanceOf: ValidationError, message: 'due: must be positive (got -5)' });
  t.throws(() => parse('contract update', '3 --due 12.345'), { message: /^due: "12.345" is not an amount in euros/ });
});

test('dates are local times; one the clocks skip is named as such', (t) => {
  t.is(parse('event list', '--from 2026-12-24 18:30').options.from?.toString(), new Date(2026, 11, 24, 18, 30).toString());
  // A day alone, as an upper bound, is the whole day.
  t.deepEqual(parse('event list', '--to 2026-06-30').options.to, new Date(2026, 6, 1));
  t.deepEqual(parse('event list', '--to 2026-06-30 12:00').options.to, new Date(2026, 5, 30, 12));
  t.throws(() => parse('event list', '--from 2026-02-30'), { message: 'from: "2026-02-30" is not a date such as 2026-12-24 or 2026-12-24 18:30' });
  t.throws(() => parse('event update', 'Gala --start 2026-03-29 02:30'), {
    message: 'start: 2026-03-29 02:30 does not exist in the time zone Europe/Paris: the clocks skip it (daylight saving time)',
  });
});

test('an option given twice, unknown, or without its value is a usage error', (t) => {
  t.throws(() => parse('client list', '--search a --search b'), { instanceOf: UsageError, message: '--search is given twice' });
  t.throws(() => parse('client list', '--mine --mine'), { instanceOf: UsageError, message: '--mine is given twice' });
  t.throws(() => parse('client list', '--colour red'), { instanceOf: UsageError, message: /^unknown option --colour for "client list"/ });
  t.throws(() => parse('client list', '--search --mine'), { instanceOf: UsageError, message: '--search needs a value <text>' });
  t.throws(() => parse('client list', '--mine=yes'), { instanceOf: UsageError, message: '--mine takes no value' });
  t.throws(() => parse('client reassign', 'Kevin Casey'), { instanceOf: UsageError, message: /^missing --to <collaborator>/ });
});

test('exclusive groups refuse two of their options, with one wording', (t) => {
  t.throws(() => parse('contract list', '--signed --unsigned'), { instanceOf: UsageError, message: 'give --signed or --unsigned, not both' });
  t.throws(() => parse('contract list', '--unpaid --paid'), { instanceOf: UsageError, message: 'give --paid or --unpaid, not both' });
  t.throws(() => parse('event list', '--past --upcoming'), { instanceOf: UsageError, message: 'give --upcoming or --past, not both' });
  t.throws(() => parse('event list', '--limit 3 --all'), { instanceOf: UsageError, message: 'give --limit or --all, not both' });
  t.is(parse('contract list', '--signed --unpaid').options.signed, true);
});

test('a quoted value may start with --, and --name=value works', (t) => {
  t.is(parse('client create', '--name Dash --company "--Dash Co"').options.company, '--Dash Co');
  t.is(parse('client create', '--company=--Dash Co --name Dash').options.company, '--Dash Co');
  // From the system shell the quotes are gone; a word with a space still cannot be an option.
  t.is(parseInput(command('client create'), unquoted(['--company', '--Dash Co'])).options.company, '--Dash Co');
});

test('-- ends the options: what follows is positional', (t) => {
  t.is(parse('client show', '-- --Dash Co').args.client, '--Dash Co');
  t.throws(() => parse('client list', '-- --mine'), { instanceOf: UsageError, message: /^unexpected "--mine"/ });
});

test('a command of the permission table runs as the action its name says, or the one it names, and every action has its command', (t) => {
  const permitted = COMMANDS.flatMap((spec) => (spec.availability.when === 'permitted' ? [[spec.name, spec.availability.action]] : []));
  const named = permitted.filter(([name]) => !name.includes(' '));
  for (const [name, action] of permitted.filter(([name]) => name.includes(' '))) t.is(action, name.replace(' ', '.'));
  // The one-word commands: each names its action.
  t.deepEqual(named, [['agenda', 'agenda.show'], ['activity', 'collaborator.activity']]);
  // `epic db export` runs from the system shell only (lib/commands/db-export.ts), the manager's session checked by the database.
  t.deepEqual(permitted.map(([, action]) => action).sort(), ACTIONS.filter((action) => action !== 'database.export').sort());
});

test('the permission table is checked when the code compiles: a name outside it must name an action of it, a name in it names none', (t) => {
  const run = async () => ({});
  // @ts-expect-error "client explode" is no action of the table, and the command names none
  t.throws(() => permitted({ name: 'client explode', summary: 'explodes', run }), { message: /not in the permission table/ });
  // @ts-expect-error a command named after an action cannot run as another one
  t.notThrows(() => permitted({ name: 'client list', summary: 'lists', action: 'client.delete', run }));
  // @ts-expect-error an action that is not in the table
  t.notThrows(() => permitted({ name: 'report', summary: 'prints', action: 'report.print', run }));
});
