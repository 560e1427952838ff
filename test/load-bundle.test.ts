import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { projectRoot } from '../lib/paths';
import { tempDir } from './helpers/temp';

/** The launcher's cache of V8's compiled code for the bundle (bin/load-bundle.js). */

const LOADER = path.join(projectRoot(), 'bin', 'load-bundle.js');

function load(bundle: string, cacheHome: string): string {
  const result = spawnSync(process.execPath, ['-e', `process.stdout.write(String(require(${JSON.stringify(LOADER)}).loadBundle(${JSON.stringify(bundle)}).answer))`], {
    env: { PATH: process.env.PATH ?? '', HOME: cacheHome, XDG_CACHE_HOME: cacheHome },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout;
}

const cacheFiles = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).map((name) => path.join(dir, name)) : []);

test('the cache is written once, privately, and a rebuilt bundle of the same length never runs the old code', (t) => {
  const home = tempDir('epic-cache-');
  const bundle = path.join(home, 'cli.js');
  const cacheDir = path.join(home, 'epic-events', 'v8');
  fs.writeFileSync(bundle, 'exports.answer = (function () { return 41 + 1; })();\n');
  t.is(load(bundle, home), '42');
  const [cache] = cacheFiles(cacheDir);
  t.truthy(cache, 'written after the first run');
  t.is(fs.statSync(cacheDir).mode & 0o777, 0o700);
  t.is(fs.statSync(cache).mode & 0o777, 0o600);
  const written = fs.statSync(cache);
  t.is(load(bundle, home), '42');
  t.deepEqual([fs.statSync(cache).mtimeMs, fs.statSync(cache).ino], [written.mtimeMs, written.ino], 'not rewritten by a run it served');

  fs.writeFileSync(bundle, 'exports.answer = (function () { return 41 + 2; })();\n');
  fs.utimesSync(bundle, new Date(), new Date(Date.now() + 5000));
  t.is(load(bundle, home), '43');
  t.deepEqual(cacheFiles(cacheDir).length, 1, "the old build's cache is removed");
  t.not(cacheFiles(cacheDir)[0], cache);
});

test('a cache folder others may write to is not used', (t) => {
  const home = tempDir('epic-cache-');
  const bundle = path.join(home, 'cli.js');
  const cacheDir = path.join(home, 'epic-events', 'v8');
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.chmodSync(cacheDir, 0o777);
  fs.writeFileSync(bundle, 'exports.answer = 7;\n');
  t.is(load(bundle, home), '7');
  t.deepEqual(cacheFiles(cacheDir), []);
});
