import * as Sentry from '@sentry/node';
import { projectRoot } from '../paths';
import type { Breadcrumb, EventSink } from './business-events';
import type { Reporter } from './reporter';
import { scrubBreadcrumb, scrubEvent } from './scrub';
import type { SentryOptions } from './sentry-on-demand';

/**
 * The Sentry SDK (README, "Configuration"), loaded by lib/reporting/sentry-on-demand.ts at the
 * first event to send. Every event is scrubbed before it leaves.
 */

/** What the started SDK offers: a reporter, and the sink of business events. */
export type StartedSentry = Required<Pick<Reporter, 'captureException' | 'flush' | 'warn'>> & EventSink;

// The shell installs its own handlers (they print a reference and keep the shell alive), and
// console output is client data: these default integrations go.
const DROPPED_INTEGRATIONS = new Set(['Console', 'OnUncaughtException', 'OnUnhandledRejection', 'Http', 'NodeFetch', 'LocalVariables', 'LocalVariablesAsync', 'Postgres', 'Tedious', 'Modules']);

/** Starts the SDK; `breadcrumbs` are those kept before it started, replayed (and scrubbed) now. */
export function startSentry(options: SentryOptions, breadcrumbs: Breadcrumb[]): StartedSentry {
  Sentry.init({
    dsn: options.dsn,
    environment: options.environment,
    release: options.release,
    serverName: 'epic-events-crm',
    dataCollection: {
      userInfo: false,
      databaseQueryData: false,
      stackFrameVariables: false,
      cookies: false,
      httpHeaders: false,
      httpBodies: [],
      urlQueryParams: false,
    },
    integrations: (defaults) => [
      ...defaults.filter((integration) => !DROPPED_INTEGRATIONS.has(integration.name)),
      // Stack frames name files relative to the install folder, which may be in a home folder.
      Sentry.rewriteFramesIntegration({ root: projectRoot() }),
    ],
    beforeSend: (event, hint) => scrubEvent(event, hint.originalException),
    beforeBreadcrumb: (crumb) => scrubBreadcrumb(crumb),
    // A Sentry that is slow or down must not hold a command: sending happens in the background.
    shutdownTimeout: 2000,
  });
  for (const crumb of breadcrumbs) Sentry.addBreadcrumb(crumb);
  return {
    message(message, context) {
      Sentry.captureMessage(message, context);
    },
    breadcrumb(crumb) {
      Sentry.addBreadcrumb(crumb);
    },
    warn(message, tags) {
      Sentry.captureMessage(message, { level: 'warning', tags });
    },
    captureException(error) {
      return Sentry.captureException(error) || options.fallback.captureException(error);
    },
    async flush(timeoutMs) {
      await Sentry.flush(timeoutMs);
    },
  };
}
