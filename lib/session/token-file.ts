import fs from 'node:fs';
import path from 'node:path';
import { NotLoggedIn } from '../errors';
import { ensurePrivateDir } from '../paths';

/**
 * The one-shot session token on disk: in a 0700 folder, written atomically with
 * mode 0600, and refused unless it is a regular file of the user with no group or other bits.
 * Only the token is kept: the role is read from the database on every command.
 */

export class TokenFileError extends NotLoggedIn {}

export function tokenFilePath(configDir: string): string {
  return path.join(configDir, 'session');
}

export function writeToken(configDir: string, token: string): void {
  ensurePrivateDir(configDir);
  const file = tokenFilePath(configDir);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${token}\n`, { mode: 0o600, flag: 'wx' });
  fs.renameSync(tmp, file);
}

export function readToken(configDir: string): string | undefined {
  const file = tokenFilePath(configDir);
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch {
    return undefined;
  }
  if (!stat.isFile()) throw new TokenFileError(`refusing ${file}: it is not a regular file; delete it and log in again`);
  if (stat.uid !== process.getuid?.()) throw new TokenFileError(`refusing ${file}: it belongs to another user; delete it and log in again`);
  if ((stat.mode & 0o077) !== 0) {
    throw new TokenFileError(`refusing ${file}: others may read it (mode ${(stat.mode & 0o777).toString(8)}); delete it and log in again`);
  }
  return fs.readFileSync(file, 'utf8').trim() || undefined;
}

export function deleteToken(configDir: string): void {
  fs.rmSync(tokenFilePath(configDir), { force: true });
}
