import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../lib/paths';
import { tempDir } from './temp';

export const EPIC = path.join(projectRoot(), 'bin', 'epic.js');

export interface EpicResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * An unexpected error leaves only its reference on screen and its stack in errors.log: the stack
 * goes with it, so that a test failing on one says why.
 */
export function withErrorLog(env: Record<string, string>, stderr: string): string {
  const log = path.join(env.EPIC_DATA_DIR, 'errors.log');
  return stderr.includes('something went wrong on our side') && fs.existsSync(log) ? `${stderr}--- ${log}\n${fs.readFileSync(log, 'utf8')}` : stderr;
}

let codeCache: string | undefined;

/**
 * One cache folder for V8's compiled code of the bundle (bin/load-bundle.js), shared by the
 * users of every test file of an `npm test` run (its folder, TEST_CODE_CACHE), or of this test
 * process: each user's first command would otherwise compile the whole bundle again. The cache
 * itself is tested in test/load-bundle.test.ts.
 */
function sharedCodeCache(): string {
  return (codeCache ??= process.env.TEST_CODE_CACHE || tempDir('epic-code-cache-'));
}

/** A private HOME-like setup for one user of the real `epic` binary, on one test database. */
export function epicUser(databaseUrl: string, extraEnv: Record<string, string> = {}) {
  const home = tempDir('epic-user-');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    XDG_CACHE_HOME: sharedCodeCache(),
    DATABASE_URL: databaseUrl,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    EPIC_DATA_DIR: path.join(home, 'data'),
    EPIC_BCRYPT_COST: '10',
    TZ: 'Europe/Paris',
    // Each test user would otherwise leave a warm process behind (test/warm.test.ts tests them).
    EPIC_WARM: '0',
    // Where `npm test` puts the clusters of root's embedded databases (test/run.ts).
    ...(process.env.EPIC_CLUSTER_ROOT && { EPIC_CLUSTER_ROOT: process.env.EPIC_CLUSTER_ROOT }),
    ...extraEnv,
  };
  /** moreEnv adds to the user's environment; a variable given as undefined is left out. */
  const run = (args: string[], input = '', moreEnv: Record<string, string | undefined> = {}): Promise<EpicResult> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [EPIC, ...args], { cwd: home, env: { ...env, ...moreEnv }, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr: withErrorLog(env, stderr) }));
      child.stdin.end(input);
    });
  return { home, env, run };
}
