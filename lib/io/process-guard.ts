import { EXIT } from '../errors';

/**
 * What only the process as a whole can do, set up once by bin/epic.js (never by `main`, which may
 * run many times in one process): leave quietly when the output is closed, and hand an error
 * nobody caught to the run that is going on, which reports it.
 */

type Handler = (error: unknown) => void;

/** The runs going on; the latest one is told of an uncaught error. */
const handlers: Handler[] = [];
let guarded = false;
let handling = false;

/** Tells `handler` of errors nobody caught until the returned function is called. */
export function whenUnexpected(handler: Handler): () => void {
  handlers.push(handler);
  return () => {
    const at = handlers.lastIndexOf(handler);
    if (at >= 0) handlers.splice(at, 1);
  };
}

function unexpected(error: unknown): void {
  const handler = handlers[handlers.length - 1];
  // An error while telling about an error would loop, and one with nobody to tell would be lost: leave.
  if (handling || !handler) process.exit(EXIT.failure);
  handling = true;
  try {
    handler(error);
  } finally {
    handling = false;
  }
}

export function guardProcess(): void {
  if (guarded) return;
  guarded = true;
  process.on('unhandledRejection', unexpected);
  process.on('uncaughtException', unexpected);
  // A closed pipe (`epic client list | head -1`) or a terminal that went away (EPIPE, EIO) is
  // not an error to report: there is nobody left to read it. Leave at once.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'EIO') process.exit(stream === process.stdout && error.code === 'EPIPE' ? EXIT.ok : EXIT.failure);
      throw error;
    });
  }
}
