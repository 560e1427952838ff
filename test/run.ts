import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../lib/paths';
import { ensureEmbeddedDatabase } from '../lib/db/embedded';
import { removeEmbeddedDatabase } from './helpers/cluster';
import { dropTemplate, TEST_DATA_DIR } from './helpers/database';

/**
 * `npm test`: ava, with what the test files share set up around it and removed after it,
 * whatever the outcome. Every temporary folder a test makes lands in one private folder of
 * this run; without DATABASE_URL, the embedded PostgreSQL of .test-data that the test files
 * share is started first, with an idle time longer than any run (its watchdog must not stop
 * it between two short connections of a slow run), and stopped and deleted at the end, its
 * cluster included (in /var/lib/epic-events when running as root). Arguments go to ava as
 * they are. Without arguments, the files of test/timing (comparisons of durations) run alone
 * after all the others, one at a time, so that the other files' CPU load does not weigh on one
 * side of a comparison; the run fails if either part fails.
 */
async function main(): Promise<number> {
  if (!process.env.DATABASE_URL) await ensureEmbeddedDatabase({ dataDir: TEST_DATA_DIR, idleMinutes: 24 * 60 });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'epic-test-run-'));
  const args = process.argv.slice(2);
  let code: number;
  try {
    if (args.length > 0) code = await ava(args, tmp);
    else {
      // ava reads its arguments as filters, and a filter made of exclusions alone selects no
      // file at all: the files are named, then the timing ones taken out.
      const rest = await ava(['test/**/*.test.ts', '!test/timing/**'], tmp);
      code = interrupted ? rest : (await ava(['--concurrency=1', '--serial', 'test/timing/'], tmp)) || rest;
    }
    if (process.env.DATABASE_URL) {
      await dropTemplate(process.env.DATABASE_URL).catch((error: Error) => console.error(`the test template could not be removed: ${error.message}`));
    }
    else await removeEmbeddedDatabase(TEST_DATA_DIR);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return code;
}

let interrupted = false;

function ava(args: string[], tmp: string): Promise<number> {
  const cli = path.join(projectRoot(), 'node_modules', 'ava', 'entrypoints', 'cli.mjs');
  const child = spawn(process.execPath, [cli, ...args], { stdio: 'inherit', env: { ...process.env, TMPDIR: tmp } });
  const forward = (signal: NodeJS.Signals) => {
    interrupted = true;
    child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise<number>((resolve) =>
    child.on('close', (status) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(status ?? 1);
    }),
  );
}

main().then((code) => process.exit(code));
