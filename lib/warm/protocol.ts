/**
 * What the thin client and the warm process say to each other over the socket: one request
 * line, then frames, each a line of JSON. Both sides are built from this file, and the socket's
 * name holds the protocol's number, so they never disagree on it.
 */
export const PROTOCOL = 1;

export interface WarmRequest {
  protocol: number;
  /** The bundle's identity as the client saw it; a warm process of another one hands back. */
  bundle: string;
  argv: string[];
  /** Where relative file names are. */
  cwd: string;
  stdinIsTerminal: boolean;
  stdoutIsTerminal: boolean;
  stderrIsTerminal: boolean;
  columns?: number;
}

/** Leave now: sent by `epic db stop` and the like, before the server they hold goes away. */
export interface QuitRequest {
  quit: true;
}

/** One frame or request as it goes on the socket: a line of JSON. */
export const line = (message: WarmFrame | WarmRequest | QuitRequest) => `${JSON.stringify(message)}\n`;

export type WarmFrame =
  /** The command runs here now: from then on a lost connection is its failure, never a reason to run it again. */
  | { accepted: true }
  | { out: string }
  | { err: string }
  | { exit: number }
  /** The command must run in-process (it asks a question, or the bundle changed): nothing was written. */
  | { elsewhere: true };
