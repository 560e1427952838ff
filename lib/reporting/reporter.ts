import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Where unexpected errors go: Sentry when SENTRY_DSN is set, a private local log otherwise. */
export interface Reporter {
  /** Records the error and returns the reference shown to the user. */
  captureException(error: unknown): string;
  /** Sends what is pending, waiting at most this long (2 s before exit: a report must not hold the user up). */
  flush(timeoutMs: number): Promise<void>;
  /** Reports business events of the models once they are bound to the opened database. */
  watchModels?(): void;
  /** A security event worth a warning (a login refused to a locked account): ids only, never names. */
  warn?(message: string, tags: Record<string, string>): void;
}

/** The log is rotated past this size, keeping one previous file: it must never fill a disk. */
export const ERROR_LOG_MAX_BYTES = 1024 * 1024;

/** Without Sentry: the stack goes to errors.log (0600) in the data folder, under a short reference. */
export function localReporter(dataDir: string): Reporter {
  return {
    captureException(error) {
      const reference = crypto.randomBytes(4).toString('hex');
      try {
        fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
        const file = path.join(dataDir, 'errors.log');
        if ((fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0) > ERROR_LOG_MAX_BYTES) fs.renameSync(file, `${file}.1`);
        const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
        fs.appendFileSync(file, `${new Date().toISOString()} ${reference} ${stack}\n`, { mode: 0o600 });
      } catch {
        // Reporting must never become the error.
      }
      return reference;
    },
    flush: async () => undefined,
  };
}
