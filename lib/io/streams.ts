import fs from 'node:fs';
import type { Writable } from 'node:stream';
import tty from 'node:tty';
import { OutputClosed } from '../errors';

/**
 * Everything a run of `epic` reads from and writes to outside its own files: the three standard
 * streams (and whether each is a terminal), the environment its configuration comes from, and
 * the folder relative file names are in. `main` receives it rather than reading `process`, so
 * that a run can be given another caller's streams, environment and folder, or in-memory ones.
 */
export interface IOStreams {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdinIsTerminal: boolean;
  stdoutIsTerminal: boolean;
  stderrIsTerminal: boolean;
  /** Width of the terminal standard output goes to, if it is one (read when needed: it changes). */
  readonly columns: number | undefined;
  /** The environment the configuration is read from; `.env` adds to it (lib/config.ts). */
  env: NodeJS.ProcessEnv;
  /** Where `> out.csv` and `epic db export file` are, when given as relative names. */
  cwd: string;
  /** Standard input, whole, as text: a script, or the lines of --password-stdin. */
  readAll(): Promise<string>;
}

/** This process's own streams, environment and folder: what bin/epic.js hands to `main`. */
export function processStreams(): IOStreams {
  return {
    // Made only when a question is asked at the terminal: once made, a piped standard input is
    // non-blocking, and reading it whole (readAll) could fail with EAGAIN before the writer wrote.
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTerminal: tty.isatty(0),
    stdoutIsTerminal: process.stdout.isTTY === true,
    stderrIsTerminal: process.stderr.isTTY === true,
    get columns() {
      return process.stdout.columns;
    },
    env: process.env,
    cwd: process.cwd(),
    // Read from the descriptor, not the stream: a file or a pipe alike, without putting the stream in flowing mode.
    readAll: async () => fs.readFileSync(0, 'utf8'),
  };
}

/**
 * Writes `text`, and when the stream is full waits until it drains. Fails, rather than waiting
 * for a drain that never comes, when the stream failed or closes: a reader that left (the caller
 * of a warm process gone, `| head -1`). A failed stream takes no more writes and emits nothing
 * more, so a write to it returns false and waiting for 'drain' alone waited forever, holding the
 * export's COPY, its connection and its transaction. The stream keeps an 'error' listener of its
 * own (the warm process's frames and process-guard.ts have one): this one is gone once it settles.
 */
export async function writeWaiting(stream: NodeJS.WritableStream, text: string): Promise<void> {
  const writable = stream as Writable;
  const failed = () => writable.errored || writable.destroyed;
  const gone = () => writable.errored ?? new OutputClosed('the output was closed');
  if (failed()) throw gone();
  if (stream.write(text)) return;
  await new Promise<void>((resolve, reject) => {
    const settle = (error?: Error) => {
      stream.off('drain', drained);
      stream.off('close', closed);
      stream.off('error', settle);
      if (error) reject(error);
      else resolve();
    };
    const drained = () => settle();
    const closed = () => settle(gone());
    stream.on('drain', drained);
    stream.on('close', closed);
    stream.on('error', settle);
    // It may have failed as this write went in: then nothing more will come.
    if (failed()) settle(gone());
  });
}
