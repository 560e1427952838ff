import { createApp, type App } from './app';
import { loadDotEnv, readConfig } from './config';
import { whenUnexpected } from './io/process-guard';
import { presentError, type Unexpected } from './io/present-error';
import type { IOStreams } from './io/streams';
import { localReporter, type Reporter } from './reporting/reporter';
import { sentryOnDemand } from './reporting/sentry-on-demand';
import { version } from '../package.json';

export { guardProcess } from './io/process-guard';
export { processStreams } from './io/streams';

/**
 * `epic`: the REPL on a terminal, a script when standard input is piped, or one command
 * (`epic client list`, `epic db stop`). Each path loads only what it uses: one-shot commands never
 * load the REPL library, and Sentry loads only when SENTRY_DSN is set and there is something to send.
 * Everything it reads and writes is in `io`; nothing here touches the process as a whole (the
 * handlers of the whole process are bin/epic.js's, set once), so it may run many times in one.
 */

function reporterFor(app: { sentryDsn?: string; dataDir: string; sentryEnvironment?: string }): Reporter {
  if (!app.sentryDsn) return localReporter(app.dataDir);
  return sentryOnDemand({ dsn: app.sentryDsn, environment: app.sentryEnvironment, release: `epic-events-crm@${version}`, fallback: localReporter(app.dataDir) });
}

/** `epic --help` and `epic -h` are `epic help`: one overview, whichever way it is asked for. */
const HELP_FLAGS = new Set(['--help', '-h']);

async function dispatch(app: App, io: IOStreams, given: string[]): Promise<number> {
  const argv = HELP_FLAGS.has(given[0]) ? ['help', ...given.slice(1)] : given;
  if (argv.length === 0 && io.stdinIsTerminal) {
    const { runRepl } = require('./shell/repl') as typeof import('./shell/repl');
    return runRepl(app, io);
  }
  const oneShot = require('./oneshot') as typeof import('./oneshot');
  if (argv.length === 0) return oneShot.runScript(app, io);
  return oneShot.runOneShot(app, io, argv);
}

/** The configuration of `io`'s environment and folder, and the application on it; a wrong setting throws ConfigError. */
function openApp(io: IOStreams, keepAlive: boolean): { app: App; unexpected: Unexpected } {
  const dotEnv = loadDotEnv(io.env, io.cwd);
  for (const warning of dotEnv.warnings) io.stderr.write(`warning: ${warning}\n`);
  const config = readConfig(io.env, dotEnv.sources);
  const reporter = reporterFor(config);
  return { app: createApp(config, { keepAlive, reporter }), unexpected: { reporter, debug: config.debug } };
}

export async function main(argv: string[], io: IOStreams): Promise<number> {
  let opened;
  try {
    opened = openApp(io, argv.length === 0 && io.stdinIsTerminal);
  } catch (error) {
    return presentError(io, error);
  }
  const { app, unexpected } = opened;
  // An error nobody caught while this run goes on (a connection's event, say) is this run's to report.
  const stopWatching = whenUnexpected((error) => presentError(io, error, unexpected));
  try {
    return await dispatch(app, io, argv);
  } catch (error) {
    return presentError(io, error, unexpected);
  } finally {
    stopWatching();
    await app.close().catch(() => undefined);
    await app.reporter.flush(2000);
  }
}

/**
 * `bin/epic.js --serve-warm <socket> <bundle identity>`: the warm process (lib/warm/serve.ts),
 * started detached by a one-shot command that found none, in that command's environment and
 * folder. It is a process of its own: an error nobody awaited is reported and it goes on serving.
 */
export async function serveWarmProcess(socketPath: string, bundleFile: string, bundle: string): Promise<void> {
  const { processStreams } = require('./io/streams') as typeof import('./io/streams');
  const { app } = openApp(processStreams(), true);
  const report = (error: unknown) => app.reporter.captureException(error);
  process.on('unhandledRejection', report);
  process.on('uncaughtException', report);
  const { serveWarm } = require('./warm/serve') as typeof import('./warm/serve');
  await serveWarm(app, socketPath, bundleFile, bundle, app.config.warmIdleMinutes);
}
