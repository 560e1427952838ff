import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import { embeddedStatus, ensureEmbeddedDatabase, layout } from '../lib/db/embedded';
import { projectRoot } from '../lib/paths';
import { removeEmbeddedDatabase } from './helpers/cluster';
import { tempDir } from './helpers/temp';

/** What the test helpers create is gone when they are done with it. */

const run = promisify(execFile);

test('home folders made by the helpers are removed when their test process ends', async (t) => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '-e', "process.stdout.write(require('./test/helpers/epic').epicUser('postgres://x@127.0.0.1:1/x').home)"], { cwd: projectRoot() });
  t.true(path.basename(stdout).startsWith('epic-user-'), stdout);
  t.false(fs.existsSync(stdout), `${stdout} is left behind`);
});

test('an embedded database is stopped and deleted with its cluster and watchdog', async (t) => {
  const dataDir = path.join(tempDir('epic-embedded-'), 'data');
  await ensureEmbeddedDatabase({ dataDir, idleMinutes: 5 });
  // Removed whatever fails below; a second removal finds nothing to do.
  t.teardown(() => removeEmbeddedDatabase(dataDir));
  const { clusterDir } = embeddedStatus(dataDir);
  const watchdog = Number(fs.readFileSync(layout(dataDir).watchdogPidFile, 'utf8'));
  await removeEmbeddedDatabase(dataDir);
  t.false(fs.existsSync(clusterDir!), 'cluster deleted');
  t.false(fs.existsSync(dataDir), 'data folder deleted');
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.throws(() => process.kill(watchdog, 0), { code: 'ESRCH' }, 'watchdog stopped');
});
