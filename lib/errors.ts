/**
 * The typed errors services throw. The shell turns each into one readable line and an exit
 * code: 1 for bad input, not found and conflicts, 2 for usage, 4 for not logged in
 * or permission denied. Anything else is unexpected and gets an error reference.
 */
export abstract class AppError extends Error {
  abstract readonly exitCode: number;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  readonly exitCode = 1;
  constructor(readonly field: string | undefined, message: string) {
    super(field ? `${field}: ${message}` : message);
  }
}

export class NotFound extends AppError {
  readonly exitCode = 1;
}

export class Conflict extends AppError {
  readonly exitCode = 1;
}

/**
 * A question that cannot be asked where the command runs (the warm process has no terminal):
 * not the command's failure, so the runner lets it through to hand the command back.
 */
export class NeedsTerminal extends Error {}

/** The user changed their mind (declined a confirmation, pressed Ctrl-C at a question). */
export class Cancelled extends AppError {
  readonly exitCode: number = 1;
}

/**
 * The reader of the output left (the caller of a warm process, `| head -1`): the command ends
 * there, successfully, as it does in a process of its own whose pipe closes. Nobody's fault:
 * nothing is reported.
 */
export class OutputClosed extends Cancelled {
  readonly exitCode = EXIT.ok;
}

/** Ctrl-C at a question of a one-shot command: status 130, as shells report an interrupted program. */
export class Interrupted extends Cancelled {
  readonly exitCode = EXIT.interrupted;
  constructor() {
    super('cancelled');
  }
}

export class UsageError extends AppError {
  readonly exitCode = 2;
}

export class PermissionDenied extends AppError {
  readonly exitCode = 4;
  constructor(reason: string) {
    super(`permission denied: ${reason}`);
  }
}

export class NotLoggedIn extends AppError {
  readonly exitCode = 4;
}

/** Login failures: one message whatever the cause, so that it does not tell which emails exist. */
export class AuthenticationFailed extends AppError {
  readonly exitCode = 4;
}

export const EXIT = { ok: 0, failure: 1, usage: 2, denied: 4, interrupted: 130 } as const;

/** The database cannot be reached or started: said plainly, with what to do. */
export class DatabaseUnavailable extends AppError {
  readonly exitCode = 1;
}

/** Longest piece of typed input repeated in a message. */
const ECHO_MAX = 60;

/** Typed input repeated in a message, in quotes and cut: a 10,000-character look-up is not echoed whole. */
export function quoted(value: string): string {
  const chars = [...value];
  return `"${chars.length > ECHO_MAX ? `${chars.slice(0, ECHO_MAX - 1).join('')}…` : value}"`;
}
