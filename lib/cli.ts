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

export async function main(argv: string[], io: IOStreams): Promise<number> {
  const dotEnv = loadDotEnv(io.env, io.cwd);
  for (const warning of dotEnv.warnings) io.stderr.write(`warning: ${warning}\n`);
  let config;
  try {
    config = readConfig(io.env, dotEnv.sources);
  } catch (error) {
    return presentError(io, error);
  }
  const reporter = reporterFor(config);
  const app = createApp(config, { keepAlive: argv.length === 0 && io.stdinIsTerminal, reporter });
  const unexpected: Unexpected = { reporter, debug: config.debug };
  // An error nobody caught while this run goes on (a connection's event, say) is this run's to report.
  const stopWatching = whenUnexpected((error) => presentError(io, error, unexpected));
  try {
    return await dispatch(app, io, argv);
  } catch (error) {
    return presentError(io, error, unexpected);
  } finally {
    stopWatching();
    await app.close().catch(() => undefined);
    await reporter.flush(2000);
  }
}
