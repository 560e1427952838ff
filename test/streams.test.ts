import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import test, { type ExecutionContext } from 'ava';
import { main } from '../lib/cli';
import { ConfigError } from '../lib/config';
import { AuthenticationFailed, Cancelled, Conflict, EXIT, Interrupted, NotFound, NotLoggedIn, OutputClosed, PermissionDenied, UsageError, ValidationError } from '../lib/errors';
import { presentError } from '../lib/io/present-error';
import { writeWaiting } from '../lib/io/streams';
import type { Reporter } from '../lib/reporting/reporter';
import { memoryIO } from './helpers/io';
import { tempDir } from './helpers/temp';

/**
 * The one error presenter and `main` on in-memory streams: no database, no process streams.
 * `main` must write only to the streams it is given, read its configuration only from their
 * environment and resolve `.env` in their folder: another caller's run may be handed to it.
 */

const RED = '\u001b[31m';

function recordingReporter(): Reporter & { captured: unknown[] } {
  const captured: unknown[] = [];
  return { captured, captureException: (error) => (captured.push(error), 'ref42'), flush: async () => undefined };
}

test('an application error is one line on standard error, with the exit code of its class', (t) => {
  const cases: [Error, number][] = [
    [new ValidationError('email', 'is not an email'), EXIT.failure],
    [new NotFound('no client "x"'), EXIT.failure],
    [new Conflict('already signed'), EXIT.failure],
    [new UsageError('missing <email>'), EXIT.usage],
    [new ConfigError('EPIC_IDLE_MINUTES (set in the environment) must be a positive number, not "x"'), EXIT.usage],
    [new PermissionDenied('"client delete" is not available to sales'), EXIT.denied],
    [new NotLoggedIn('not logged in'), EXIT.denied],
    [new AuthenticationFailed('wrong email or password'), EXIT.denied],
  ];
  for (const [error, code] of cases) {
    const { io, stdout, stderr } = memoryIO({ env: {} });
    t.is(presentError(io, error), code, error.name);
    t.is(stderr.text(), `error: ${error.message}\n`, error.name);
    t.is(stdout.text(), '');
  }
});

test('the user saying no is a plain notice with its own code, Ctrl-C at a question 130', (t) => {
  const { io, stderr } = memoryIO({ terminal: true, env: {} });
  t.is(presentError(io, new Cancelled('cancelled: nothing was deleted')), EXIT.failure);
  t.is(presentError(io, new Interrupted()), EXIT.interrupted);
  t.is(stderr.text(), 'cancelled: nothing was deleted\ncancelled\n');
});

test('red only when standard error is a terminal, never under NO_COLOR, always under FORCE_COLOR', (t) => {
  const said = (options: Parameters<typeof memoryIO>[0]) => {
    const { io, stderr } = memoryIO(options);
    presentError(io, new NotFound('no such client'));
    return stderr.text();
  };
  t.is(said({ terminal: true, env: {} }), `${RED}error: no such client\u001b[39m\n`);
  t.is(said({ terminal: false, env: {} }), 'error: no such client\n');
  t.is(said({ terminal: true, env: { NO_COLOR: '1' } }), 'error: no such client\n');
  t.is(said({ terminal: true, env: { NO_COLOR: '' } }), `${RED}error: no such client\u001b[39m\n`, 'an empty NO_COLOR is unset');
  t.is(said({ terminal: false, env: { FORCE_COLOR: '1' } }), `${RED}error: no such client\u001b[39m\n`);
  t.is(said({ terminal: true, env: { FORCE_COLOR: '0' } }), 'error: no such client\n');
  t.is(said({ terminal: true, env: { NO_COLOR: '1', FORCE_COLOR: '1' } }), 'error: no such client\n', 'NO_COLOR wins');
});

test('a message is kept on one line, and a script names the line', (t) => {
  const { io, stderr } = memoryIO({ env: {} });
  presentError(io, new ValidationError('name', 'bad\nname \u001b]0;title\u0007'), undefined, 7);
  t.is(stderr.text(), 'error: line 7: name: bad\\x0aname \\x1b]0;title\\x07\n');
});

test('an unexpected error is recorded and shown by reference; its stack only when debugging', (t) => {
  const reporter = recordingReporter();
  const bug = new TypeError('x is undefined');
  const quiet = memoryIO({ env: {} });
  t.is(presentError(quiet.io, bug, { reporter, debug: false }), EXIT.failure);
  t.is(quiet.stderr.text(), 'error: something went wrong on our side (reference ref42)\n');
  t.deepEqual(reporter.captured, [bug]);
  const shell = memoryIO({ env: {} });
  presentError(shell.io, bug, { reporter, debug: true, stillUsable: true });
  const [first, ...rest] = shell.stderr.text().split('\n');
  t.is(first, 'error: something went wrong on our side (reference ref42); the shell is still usable');
  t.regex(rest.join('\n'), /TypeError: x is undefined\n\s+at /);
  // Without a reporter (before the configuration is read) only application errors can be shown.
  t.throws(() => presentError(memoryIO().io, bug), { is: bug });
});

/** An environment of its own: a home folder, configuration and data folders that nothing else uses. */
function ownEnvironment(extra: NodeJS.ProcessEnv = {}): { env: NodeJS.ProcessEnv; cwd: string } {
  const home = tempDir('epic-streams-');
  return { cwd: home, env: { HOME: home, XDG_CONFIG_HOME: path.join(home, 'config'), EPIC_DATA_DIR: path.join(home, 'data'), NO_COLOR: '1', ...extra } };
}

/** Runs `main` with in-memory streams while checking that the process's own streams receive nothing. */
async function runMain(t: ExecutionContext, argv: string[], options: Parameters<typeof memoryIO>[0]) {
  const { io, stdout, stderr } = memoryIO(options);
  const leaked: string[] = [];
  const writes = { out: process.stdout.write, err: process.stderr.write };
  const record = (chunk: unknown) => (leaked.push(String(chunk)), true);
  process.stdout.write = record as typeof process.stdout.write;
  process.stderr.write = record as typeof process.stderr.write;
  let code: number;
  try {
    code = await main(argv, io);
  } finally {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
  }
  t.deepEqual(leaked, [], 'nothing reached the process streams');
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

test.serial('main --help writes the overview, the commands of the system shell in their own section, to the streams it is given', async (t) => {
  const help = await runMain(t, ['--help'], ownEnvironment());
  t.is(help.code, EXIT.ok, help.stderr);
  t.is(help.stdout, '');
  t.regex(help.stderr, /^session\n {2}login +log in/);
  t.regex(help.stderr, /\nfrom the system shell\n {2}epic setup +create the first manager account[^\n]*\n {2}epic db status +/);
  t.regex(help.stderr, /\n {2}epic db export +every record to a new file/);
});

test.serial('main: a usage error, an unknown option of a system-shell command, and a command of the system shell in a script', async (t) => {
  const unknown = await runMain(t, ['nonsense', 'here'], ownEnvironment());
  t.is(unknown.code, EXIT.usage);
  t.is(unknown.stderr, 'error: unknown command "nonsense here": type help for the list\n');
  const option = await runMain(t, ['db', 'migrate', '--bogus'], ownEnvironment());
  t.is(option.code, EXIT.usage);
  t.is(option.stderr, 'error: unknown option --bogus for "db migrate"; usage: epic db migrate [--admin-url <URL>] [--new-runtime-password]\n');
  const script = await runMain(t, [], { ...ownEnvironment(), input: '# from a pipe\ndb stop --force\n' });
  t.is(script.code, EXIT.usage);
  t.is(script.stderr, 'error: line 2: `db stop` runs from the system shell: epic db stop\n');
});

test.serial('main reads its configuration from the given environment and `.env` in the given folder', async (t) => {
  const bad = await runMain(t, ['help'], ownEnvironment({ EPIC_IDLE_MINUTES: 'soon' }));
  t.is(bad.code, EXIT.usage);
  t.is(bad.stderr, 'error: EPIC_IDLE_MINUTES (set in the environment) must be a positive number, not "soon"\n');
  // The status of the embedded database names the data folder of that environment, not this process's.
  const own = ownEnvironment();
  const status = await runMain(t, ['db', 'status'], own);
  t.is(status.code, EXIT.ok, status.stderr);
  t.is(status.stdout, `embedded database: stopped\ndata folder: ${own.env.EPIC_DATA_DIR}\n`);
  fs.writeFileSync(path.join(own.cwd, '.env'), 'DATABASE_URL=postgres://u:p@127.0.0.1:1/x\n', { mode: 0o600 });
  const server = await runMain(t, ['db', 'status'], own);
  t.is(server.stdout, `database: the server of DATABASE_URL (DATABASE_URL set in ${path.join(own.cwd, '.env')}) (not managed by epic)\n`);
});

/** A stream that takes one chunk at a time, holding each until `release`, or failing them once `fail` is set. */
function slowSink(highWaterMark: number) {
  const held: (() => void)[] = [];
  let failure: Error | undefined;
  const stream = new Writable({
    highWaterMark,
    write(_chunk, _encoding, done) {
      if (failure) return done(failure);
      held.push(() => done());
    },
  });
  stream.on('error', () => undefined);
  return {
    stream,
    release: () => held.splice(0).forEach((done) => done()),
    fail: (error: Error) => {
      failure = error;
      held.splice(0).forEach(() => stream.destroy(error));
    },
  };
}

test('writeWaiting waits while the output is full and goes on once it drains', async (t) => {
  const sink = slowSink(4);
  await writeWaiting(sink.stream, 'ab');
  let written = false;
  const waiting = writeWaiting(sink.stream, 'cdef').then(() => (written = true));
  await new Promise((resolve) => setImmediate(resolve));
  t.false(written, 'still full');
  sink.release();
  await new Promise((resolve) => setImmediate(resolve));
  sink.release();
  await waiting;
  t.true(written);
});

test('writeWaiting fails, rather than waiting for ever, when the output failed before the write or fails during the wait', async (t) => {
  // Failed while nobody waited (the caller of a warm process left between two writes): a
  // destroyed stream returns false and never drains.
  const before = slowSink(1024);
  await writeWaiting(before.stream, 'first');
  before.fail(new Error('the caller went away'));
  await new Promise((resolve) => setImmediate(resolve));
  t.false(before.stream.write('x'), 'a destroyed stream says it is full');
  await t.throwsAsync(writeWaiting(before.stream, 'more'), { message: 'the caller went away' });
  // Fails while the write waits for room.
  const during = slowSink(2);
  const waiting = writeWaiting(during.stream, 'more than two');
  during.fail(new Error('gone'));
  await t.throwsAsync(waiting, { message: 'gone' });
  // Closed while the write waits, without an error: the reader left.
  const closed = slowSink(2);
  const closing = writeWaiting(closed.stream, 'more than two');
  closed.stream.destroy();
  await t.throwsAsync(closing, { instanceOf: OutputClosed });
});

test('a reader that left ends the command successfully and is not reported as a fault', (t) => {
  const { io } = memoryIO({ env: {} });
  const reporter = recordingReporter();
  t.is(presentError(io, new OutputClosed('the caller went away'), { reporter, debug: false }), EXIT.ok);
  t.deepEqual(reporter.captured, []);
});
