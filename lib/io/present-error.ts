import { translateDatabaseError } from '../db/errors';
import { AppError, Cancelled, EXIT } from '../errors';
import { colourWanted, paint } from '../output/colour';
import { errorLine, safeText } from '../output/safe-text';
import type { Reporter } from '../reporting/reporter';
import type { IOStreams } from './streams';

/** Where an unexpected error is recorded, and how much is said about it. */
export interface Unexpected {
  reporter: Reporter;
  /** EPIC_DEBUG=1: the stack is shown too. */
  debug: boolean;
  /** The shell stays open after it: said, so that the user knows they may go on. */
  stillUsable?: boolean;
}

/**
 * The one way an error reaches the user: one line on standard error and the exit code. An
 * application error says its message (red on a terminal); the user's own "no" is a plain
 * notice; anything else is recorded and shown by reference, never by stack (unless debugging).
 * `lineNumber` names the line of a script the error comes from.
 */
export function presentError(io: IOStreams, thrown: unknown, unexpected?: Unexpected, lineNumber?: number): number {
  const where = lineNumber === undefined ? '' : `line ${lineNumber}: `;
  const red = paint(colourWanted(io.env, io.stderrIsTerminal)).red;
  // A connection lost outside a transaction (the session's own queries) is said the same way.
  const error = translateDatabaseError(thrown);
  if (error instanceof Cancelled) {
    io.stderr.write(`${errorLine(`${where}${error.message}`)}\n`);
    return error.exitCode;
  }
  if (error instanceof AppError) {
    io.stderr.write(`${red(errorLine(`error: ${where}${error.message}`))}\n`);
    return error.exitCode;
  }
  // Before there is a configuration, only application errors (ConfigError) can be presented.
  if (!unexpected) throw error;
  const reference = unexpected.reporter.captureException(error);
  io.stderr.write(`${red(errorLine(`error: ${where}something went wrong on our side (reference ${reference})${unexpected.stillUsable ? '; the shell is still usable' : ''}`))}\n`);
  if (unexpected.debug) io.stderr.write(`${safeText(`${String(error)}\n${(error as Error)?.stack ?? ''}`, { multiline: true })}\n`);
  return EXIT.failure;
}
