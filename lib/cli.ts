import { createApp, type App } from './app';
import { ConfigError, dotEnvNote, loadDotEnv, readConfig } from './config';
import { AppError, Cancelled, EXIT, UsageError } from './errors';
import { localReporter, type Reporter } from './reporting/reporter';
import { sentryOnDemand } from './reporting/sentry-on-demand';
import { version } from '../package.json';

/**
 * `epic`: the REPL on a terminal, a script when standard input is piped, or one command
 * (`epic client list`). Each path loads only what it uses: one-shot commands never load the
 * REPL library, and Sentry loads only when SENTRY_DSN is set and there is something to send.
 */

function reporterFor(app: { sentryDsn?: string; dataDir: string; sentryEnvironment?: string }): Reporter {
  if (!app.sentryDsn) return localReporter(app.dataDir);
  return sentryOnDemand({ dsn: app.sentryDsn, environment: app.sentryEnvironment, release: `epic-events-crm@${version}`, fallback: localReporter(app.dataDir) });
}

async function dbCommand(app: App, argv: string[]): Promise<number> {
  const embedded = require('./db/embedded') as typeof import('./db/embedded');
  const [what] = argv;
  if (what === 'status') {
    if (app.config.databaseUrl) {
      process.stdout.write(`database: the server of DATABASE_URL${dotEnvNote(app.config.sources, 'DATABASE_URL')} (not managed by epic)\n`);
      return EXIT.ok;
    }
    const status = embedded.embeddedStatus(app.config.dataDir);
    const clients = status.running ? await embedded.countClients(app.config.dataDir) : 0;
    process.stdout.write(
      status.running
        ? `embedded database: running (pid ${status.pid}, port ${status.port}, ${clients} client connection(s))\ndata: ${status.clusterDir}\n`
        : `embedded database: stopped\ndata folder: ${status.dataDir}\n`,
    );
    return EXIT.ok;
  }
  if (what === 'stop') {
    if (app.config.databaseUrl) throw new UsageError(`DATABASE_URL is set${dotEnvNote(app.config.sources, 'DATABASE_URL')}: epic does not manage that server`);
    if (embedded.embeddedStatus(app.config.dataDir).running && !argv.includes('--force')) await confirmStop(await embedded.countClients(app.config.dataDir));
    const stopped = await embedded.stopEmbeddedDatabase(app.config.dataDir);
    process.stderr.write(stopped ? 'embedded database stopped\n' : 'embedded database was not running\n');
    return EXIT.ok;
  }
  if (what === 'migrate') return migrateCommand(app, argv.slice(1));
  if (what === 'export' || what === 'import') {
    const { moveCommand } = require('./db-move') as typeof import('./db-move');
    return moveCommand(app, what, argv.slice(1), (given) => ownerUrl(app, given));
  }
  if (what === 'demo') {
    const { loadDemoData } = require('./db/demo') as typeof import('./db/demo');
    await app.db(); // the schema is up to date (the embedded default migrates itself)
    const files = await loadDemoData(await ownerUrl(app, undefined));
    process.stderr.write(`demo data loaded (${files.join(', ')}); the accounts are listed in the README\n`);
    return EXIT.ok;
  }
  throw new UsageError('usage: epic db status | epic db stop [--force] | epic db migrate [--admin-url URL] [--new-runtime-password] | epic db demo | epic db export <file> | epic db import <file>');
}

/** Open shells lose their connection when the server stops (their next command starts it again): ask first. */
async function confirmStop(connections: number): Promise<void> {
  if (connections === 0) return;
  const what = `${connections} connection(s) to the embedded database are open (shells in use)`;
  if (!(process.stdin.isTTY && process.stderr.isTTY)) throw new UsageError(`${what}: add --force to stop it anyway`);
  const { terminalPrompter } = require('./shell/prompts') as typeof import('./shell/prompts');
  if (!(await terminalPrompter().confirm(`${what}. Stop it anyway?`))) throw new Cancelled('cancelled: the embedded database is still running');
}

/** The owner's URL: --admin-url, EPIC_ADMIN_DATABASE_URL, or the embedded server's owner. */
async function ownerUrl(app: App, given: string | undefined): Promise<string> {
  const url = given ?? app.config.adminDatabaseUrl;
  if (url) return url;
  if (app.config.databaseUrl) {
    throw new UsageError('this needs the owner account of the database: set EPIC_ADMIN_DATABASE_URL or give --admin-url URL');
  }
  const { startEmbedded } = require('./db/open') as typeof import('./db/open');
  await startEmbedded(app.config);
  return (require('./db/embedded') as typeof import('./db/embedded')).embeddedAdminUrl(app.config.dataDir, 'owner')!;
}

/**
 * `epic db migrate`: the administrator's command (README, "A shared server"). Prints the
 * runtime role's URL once, when the migration created the role or a new password was asked.
 */
async function migrateCommand(app: App, argv: string[]): Promise<number> {
  let adminUrl: string | undefined;
  let newRuntimePassword = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--admin-url' && argv[i + 1]) adminUrl = argv[++i];
    else if (argv[i] === '--new-runtime-password') newRuntimePassword = true;
    else throw new UsageError('usage: epic db migrate [--admin-url URL] [--new-runtime-password]');
  }
  const embedded = !adminUrl && !app.config.adminDatabaseUrl && !app.config.databaseUrl;
  if (embedded && newRuntimePassword) throw new UsageError('the embedded database keeps its runtime password itself: --new-runtime-password is for a server');
  const { migrateAsOwner } = require('./db/accounts') as typeof import('./db/accounts');
  const owner = await ownerUrl(app, adminUrl);
  let result;
  try {
    result = await migrateAsOwner(owner, { newRuntimePassword });
  } catch (error) {
    const { unreachable } = require('./db/open') as typeof import('./db/open');
    throw unreachable(error, app.config, embedded ? 'the embedded database' : 'the server of the owner URL') ?? error;
  }
  process.stderr.write(result.applied.length > 0 ? `migrated: ${result.applied.join(', ')}\n` : 'the database schema is up to date\n');
  if (result.runtimeUrl && !embedded) {
    process.stderr.write('the runtime URL, shown this once: give it to staff as DATABASE_URL (it can do only what each collaborator may)\n');
    process.stdout.write(`${result.runtimeUrl}\n`);
  }
  return EXIT.ok;
}

/** `epic --help` and `epic -h` are `epic help`: one overview, whichever way it is asked for. */
const HELP_FLAGS = new Set(['--help', '-h']);

async function dispatch(app: App, given: string[]): Promise<number> {
  const argv = HELP_FLAGS.has(given[0]) ? ['help', ...given.slice(1)] : given;
  const [first] = argv;
  if (first === 'db') return dbCommand(app, argv.slice(1));
  if (first === 'setup') {
    const { runSetup } = require('./setup') as typeof import('./setup');
    const { noPrompter, terminalPrompter } = require('./shell/prompts') as typeof import('./shell/prompts');
    return runSetup(app, argv.slice(1), process.stdin.isTTY && process.stderr.isTTY ? terminalPrompter() : noPrompter);
  }
  if (argv.length === 0 && process.stdin.isTTY) {
    const { runRepl } = require('./shell/repl') as typeof import('./shell/repl');
    return runRepl(app);
  }
  const oneShot = require('./oneshot') as typeof import('./oneshot');
  if (argv.length === 0) return oneShot.runScript(app, require('node:fs').readFileSync(0, 'utf8'));
  return oneShot.runOneShot(app, argv);
}

function fail(message: string, code: number): number {
  process.stderr.write(`${process.stderr.isTTY && !process.env.NO_COLOR ? `\u001b[31merror: ${message}\u001b[39m` : `error: ${message}`}\n`);
  return code;
}

/**
 * A closed pipe (`epic client list | head -1`) or a terminal that went away (EPIPE, EIO) is
 * not an error to report: there is nobody left to read it. Leave at once.
 */
function leaveQuietlyWhenOutputCloses(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'EIO') process.exit(stream === process.stdout && error.code === 'EPIPE' ? EXIT.ok : EXIT.failure);
      throw error;
    });
  }
}

export async function main(argv: string[]): Promise<number> {
  const dotEnv = loadDotEnv();
  for (const warning of dotEnv.warnings) process.stderr.write(`warning: ${warning}\n`);
  let config;
  try {
    config = readConfig(process.env, dotEnv.sources);
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message, EXIT.usage);
    throw error;
  }
  const reporter = reporterFor(config);
  const app = createApp(config, { keepAlive: argv.length === 0 && process.stdin.isTTY === true, reporter });
  let reporting = false;
  const unexpected = (error: unknown) => {
    // An error while telling about an error would loop: leave instead.
    if (reporting) process.exit(EXIT.failure);
    reporting = true;
    const reference = reporter.captureException(error);
    fail(`something went wrong on our side (reference ${reference})`, EXIT.failure);
    if (config.debug) process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
    reporting = false;
  };
  process.on('unhandledRejection', unexpected);
  process.on('uncaughtException', unexpected);
  leaveQuietlyWhenOutputCloses();
  try {
    return await dispatch(app, argv);
  } catch (error) {
    if (error instanceof AppError) return fail(error.message, error.exitCode);
    unexpected(error);
    return EXIT.failure;
  } finally {
    await app.close().catch(() => undefined);
    await reporter.flush(2000);
  }
}

/**
 * `bin/epic.js --serve-warm <socket> <bundle identity>`: the warm process (lib/warm/serve.ts),
 * started detached by a one-shot command that found none, with that command's environment and
 * folder. An error nobody awaited is reported and the process goes on serving.
 */
export async function serveWarmProcess(socketPath: string, bundleFile: string, bundle: string): Promise<void> {
  const dotEnv = loadDotEnv();
  const config = readConfig(process.env, dotEnv.sources);
  const reporter = reporterFor(config);
  const app = createApp(config, { keepAlive: true, reporter });
  const report = (error: unknown) => reporter.captureException(error);
  process.on('unhandledRejection', report);
  process.on('uncaughtException', report);
  const { serveWarm } = require('./warm/serve') as typeof import('./warm/serve');
  await serveWarm(app, socketPath, bundleFile, bundle, Number(process.env.EPIC_WARM_IDLE_MINUTES) || 10);
}
