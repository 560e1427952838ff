import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { ConfigError, loadDotEnv, readConfig } from '../lib/config';
import { epicUserInProcess } from './helpers/epic-in-process';
import { tempDir } from './helpers/temp';

test('defaults follow the README configuration table', (t) => {
  const config = readConfig({ HOME: '/home/alice' });
  t.like(config, { databaseUrl: undefined, dbIdleMinutes: 15, idleMinutes: 30, sessionHours: 12, bcryptCost: 12, debug: false });
  t.is(config.dataDir, path.join(os.homedir(), '.local', 'share', 'epic-events'));
  t.true(config.configDir.endsWith(path.join('.config', 'epic-events')));
  t.is(readConfig({ XDG_CONFIG_HOME: '/x/cfg' }).configDir, '/x/cfg/epic-events');
});

test('a bcrypt cost below 10 and nonsense numbers are refused with the variable named', (t) => {
  t.throws(() => readConfig({ EPIC_BCRYPT_COST: '9' }), { instanceOf: ConfigError, message: /^EPIC_BCRYPT_COST \(set in the environment\) must be a whole number from 10 to 20/ });
  t.throws(() => readConfig({ EPIC_IDLE_MINUTES: 'soon' }), { instanceOf: ConfigError, message: /^EPIC_IDLE_MINUTES \(set in the environment\) must be a positive number/ });
  t.throws(() => readConfig({ EPIC_SESSION_HOURS: '-1' }), { instanceOf: ConfigError });
  t.is(readConfig({ EPIC_BCRYPT_COST: '10' }).bcryptCost, 10);
});

test('a .env file in the working directory is read, without overriding the environment', (t) => {
  const dir = tempDir('epic-env-');
  fs.writeFileSync(path.join(dir, '.env'), 'EPIC_IDLE_MINUTES=5\nEPIC_SESSION_HOURS=8\nNODE_OPTIONS=--require=./x.js\n', { mode: 0o600 });
  const env: NodeJS.ProcessEnv = { EPIC_SESSION_HOURS: '10' };
  const { sources, warnings } = loadDotEnv(env, dir);
  t.like(readConfig(env, sources), { idleMinutes: 5, sessionHours: 10 });
  t.deepEqual([...sources.fromDotEnv], ['EPIC_IDLE_MINUTES']);
  t.is(env.NODE_OPTIONS, undefined, 'not this program\'s variable');
  t.is(warnings.length, 1);
});

test('an unreachable database server or a missing database is one clear line, exit code 1', async (t) => {
  for (const [url, reason] of [
    ['postgres://nobody@127.0.0.1:1/epic', /cannot reach the server of DATABASE_URL: connect ECONNREFUSED/],
    ['postgres://postgres@127.0.0.1:5432/epic_no_such_database', /cannot reach the server of DATABASE_URL: database "epic_no_such_database" does not exist/],
  ] as const) {
    const user = epicUserInProcess(url);
    const result = await user.run(['login', 'a@b.fr', '--password-stdin'], 'whatever it is\n');
    t.is(result.code, 1);
    t.regex(result.stderr, reason);
    t.is(result.stderr.trim().split('\n').length, 1);
  }
});
