import type { Breadcrumb } from './business-events';
import type { Reporter } from './reporter';
import type { StartedSentry } from './sentry';

/**
 * Sentry when SENTRY_DSN is set, loaded and started only when there is something to send: an
 * unexpected error, a business event, a lock-out warning. Loading and starting the SDK takes
 * longer than most commands (README, "Start-up time"), and most commands send nothing.
 */

export interface SentryOptions {
  dsn: string;
  environment?: string;
  release: string;
  /** Keeps the local reference when Sentry drops an event (rate limit, scrubbing). */
  fallback: Reporter;
}

/** As many as the SDK keeps itself (its maxBreadcrumbs). */
const KEPT_BREADCRUMBS = 100;

export function sentryOnDemand(options: SentryOptions): Reporter {
  let started: StartedSentry | undefined;
  const breadcrumbs: Breadcrumb[] = [];
  /** Runs `use` on the started SDK; an SDK that cannot start must not turn a report into an error. */
  const sentry = <T>(use: (sdk: StartedSentry) => T, otherwise: () => T): T => {
    try {
      started ??= (require('./sentry') as typeof import('./sentry')).startSentry(options, breadcrumbs.splice(0));
    } catch {
      return otherwise();
    }
    return use(started);
  };
  return {
    watchModels() {
      (require('./business-events') as typeof import('./business-events')).installModelHooks({
        message: (message, context) => sentry((sdk) => sdk.message(message, context), () => undefined),
        breadcrumb(crumb) {
          if (started) return started.breadcrumb(crumb);
          breadcrumbs.push({ ...crumb, timestamp: Date.now() / 1000 });
          if (breadcrumbs.length > KEPT_BREADCRUMBS) breadcrumbs.shift();
        },
      });
    },
    warn: (message, tags) => sentry((sdk) => sdk.warn(message, tags), () => undefined),
    captureException: (error) => sentry((sdk) => sdk.captureException(error), () => options.fallback.captureException(error)),
    // Nothing was started, nothing is pending.
    flush: async (timeoutMs) => started?.flush(timeoutMs),
  };
}
