import fs from 'node:fs';
import path from 'node:path';
import { NotLoggedIn } from '../errors';
import { ensurePrivateDir } from '../paths';
import { ROLES, type Role } from '../roles';

/**
 * The one-shot session token on disk: in a 0700 folder, written atomically with
 * mode 0600, and refused unless it is a regular file of the user with no group or other bits.
 * The role is read from the database on every command; the role the last command found is
 * kept beside the token only as a hint (see `readRoleHint`).
 */

export class TokenFileError extends NotLoggedIn {}

export function tokenFilePath(configDir: string): string {
  return path.join(configDir, 'session');
}

/** Refuses, before any session is created, a token path that no file can replace. */
export function checkTokenPath(configDir: string): void {
  const file = tokenFilePath(configDir);
  if (fs.lstatSync(file, { throwIfNoEntry: false })?.isDirectory()) {
    throw new TokenFileError(`cannot save the session in ${file}: it is a folder; remove it and log in again`);
  }
}

export function writeToken(configDir: string, token: string): void {
  ensurePrivateDir(configDir);
  checkTokenPath(configDir);
  const file = tokenFilePath(configDir);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${token}\n`, { mode: 0o600, flag: 'wx' });
  try {
    fs.renameSync(tmp, file);
  } catch (error) {
    // Never leave a copy of the token behind.
    fs.rmSync(tmp, { force: true });
    throw new TokenFileError(`cannot save the session in ${file} (${(error as NodeJS.ErrnoException).code})`);
  }
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

/** What a token looks like; anything else in a refused file is not worth a query. */
const TOKEN = /^[A-Za-z0-9_-]{20,128}$/;

/**
 * The token of a file `readToken` refuses (wrong mode, owner, or a link), for logout to revoke
 * it before deleting the file: its content is only hashed and compared, never trusted. A
 * link's target is read only if it is a small regular file, without blocking.
 */
export function tokenToRevoke(configDir: string): string | undefined {
  const file = tokenFilePath(configDir);
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch {
    return undefined;
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile() || stat.size > 1024) return undefined;
    const content = fs.readFileSync(fd, 'utf8').trim();
    return TOKEN.test(content) ? content : undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/** Removes the token file, or the link in its place (never the link's target), and the role hint. */
export function deleteToken(configDir: string): void {
  fs.rmSync(tokenFilePath(configDir), { force: true });
  forgetRoleHint(configDir);
}

function roleHintPath(configDir: string): string {
  return path.join(configDir, 'session-role');
}

/**
 * The role the last command of this session found in the database. It lets `help` list the
 * user's commands without a database, and a command the role may run go on without asking the
 * database first (its own transaction checks the role again); it never refuses anything.
 * Anything but a role name (a torn write, an edited file) is no hint.
 */
export function readRoleHint(configDir: string): Role | undefined {
  let text: string;
  try {
    text = fs.readFileSync(roleHintPath(configDir), 'utf8').trim();
  } catch {
    return undefined;
  }
  return ROLES.find((role) => role === text);
}

export function writeRoleHint(configDir: string, role: Role): void {
  try {
    ensurePrivateDir(configDir);
    fs.writeFileSync(roleHintPath(configDir), `${role}\n`, { mode: 0o600 });
  } catch {
    // Only a hint: without it, the next command asks the database first.
  }
}

export function forgetRoleHint(configDir: string): void {
  fs.rmSync(roleHintPath(configDir), { force: true });
}
