import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors';

/**
 * `> file` and `>> file`: checked before the command runs, so that a change is never made and
 * then reported as failed because its output could not be saved; written for the user alone
 * (mode 0600), and never through a symbolic link, which someone else may have planted in a
 * shared folder: a new file is created exclusively (O_EXCL), an existing one opened with
 * O_NOFOLLOW.
 */

export class OutputFileError extends AppError {
  readonly exitCode = 1;
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`cannot write ${file}: ${reason}`);
  }
}

/** Errors said in words, not codes. */
const REASONS: Record<string, string> = {
  ENOENT: 'no such folder',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'is a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'is a symbolic link (not followed)',
  EEXIST: 'was created by someone else meanwhile',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  ENAMETOOLONG: 'the name is too long',
};

function inWords(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return (code && REASONS[code]) ?? (error as Error).message;
}

function refuse(file: string, why: string): never {
  throw new OutputFileError(file, why);
}

/**
 * Whether the output can go to `file` (in the folder `cwd` when relative), without creating it:
 * the folder exists and is writable, the file is a plain file. Messages name it as it was typed.
 */
export function checkOutputFile(file: string, cwd: string): void {
  const at = path.resolve(cwd, file);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.lstatSync(at);
  } catch (error) {
    // A missing file, or a path through something that is not a folder: the folder is checked below.
    if (!['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) refuse(file, inWords(error));
  }
  if (stat) {
    if (stat.isSymbolicLink()) refuse(file, REASONS.ELOOP);
    if (stat.isDirectory()) refuse(file, REASONS.EISDIR);
    if (!stat.isFile()) refuse(file, 'is not a regular file');
    try {
      fs.accessSync(at, fs.constants.W_OK);
    } catch (error) {
      refuse(file, inWords(error));
    }
    return;
  }
  if (/[\\/]$/.test(file)) refuse(file, `no such folder`);
  const folder = path.dirname(file);
  let folderStat: fs.Stats;
  try {
    folderStat = fs.statSync(path.dirname(at));
  } catch (error) {
    refuse(file, (error as NodeJS.ErrnoException).code === 'ENOENT' ? `no such folder ${folder}` : inWords(error));
  }
  if (!folderStat.isDirectory()) refuse(file, `${folder} is not a folder`);
  try {
    fs.accessSync(path.dirname(at), fs.constants.W_OK | fs.constants.X_OK);
  } catch {
    refuse(file, `the folder ${folder} is not writable`);
  }
}

/** An output file opened for writing: `continuing` when it already had content (no second header). The caller closes it, whatever happens. */
export interface OutputFile {
  continuing: boolean;
  write(text: string): void;
  close(): void;
}

/**
 * Opens the file for the output: a new file exclusively with mode 0600, an existing plain file
 * without following a link, emptied unless appended to.
 */
export function openOutputFile(file: string, cwd: string, append: boolean): OutputFile {
  const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_APPEND } = fs.constants;
  const at = path.resolve(cwd, file);
  let fd: number;
  try {
    fd = fs.openSync(at, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') refuse(file, inWords(error));
    try {
      fd = fs.openSync(at, O_WRONLY | O_NOFOLLOW | (append ? O_APPEND : 0));
    } catch (again) {
      refuse(file, inWords(again));
    }
  }
  const failing = (error: unknown): never => {
    if (error instanceof OutputFileError) throw error;
    refuse(file, inWords(error));
  };
  let continuing = false;
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) refuse(file, 'is not a regular file');
    // Emptied only once known to be a plain file.
    if (!append && stat.size > 0) fs.ftruncateSync(fd, 0);
    continuing = append && stat.size > 0;
  } catch (error) {
    fs.closeSync(fd);
    failing(error);
  }
  return {
    continuing,
    write(text) {
      try {
        const bytes = Buffer.from(text);
        for (let done = 0; done < bytes.length; ) done += fs.writeSync(fd, bytes, done);
      } catch (error) {
        failing(error);
      }
    },
    close() {
      fs.closeSync(fd);
    },
  };
}

/** The whole output at once; `write` gets whether the file already had content (no second header). */
export function writeOutputFile(file: string, cwd: string, append: boolean, write: (continuing: boolean) => string): void {
  const output = openOutputFile(file, cwd, append);
  try {
    output.write(write(output.continuing));
  } finally {
    output.close();
  }
}
