import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { ERROR_LOG_MAX_BYTES, localReporter } from '../lib/reporting/reporter';

test('the local error log keeps the stack under a short reference, privately, and never grows without bound', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'epic-log-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const reporter = localReporter(dir);
  const reference = reporter.captureException(new Error('boom'));
  t.regex(reference, /^[0-9a-f]{8}$/);
  const file = path.join(dir, 'errors.log');
  t.regex(fs.readFileSync(file, 'utf8'), new RegExp(`${reference} Error: boom\\n    at `));
  t.is(fs.statSync(file).mode & 0o777, 0o600);
  const big = new Error('x'.repeat(64 * 1024));
  for (let i = 0; i < 40; i++) reporter.captureException(big);
  t.true(fs.statSync(file).size <= ERROR_LOG_MAX_BYTES + 70 * 1024);
  t.true(fs.existsSync(`${file}.1`));
});
