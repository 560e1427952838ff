import fs from 'node:fs';
import path from 'node:path';

/**
 * Run by test/run.ts in a process of its own while the test cluster starts: loads every module
 * the test files load, so that tsx's transform cache (in the run's folder) is filled once. The
 * first test processes, started together, would otherwise each transform all of them (about
 * 1.5 s of CPU each), and every later one what it adds.
 */

// Modules that do their work when loaded: the processes they are the program of.
const PROGRAMS = new Set(['lib/db/watchdog.ts', 'test/helpers/embedded-client.ts', 'test/helpers/compile-ahead.ts']);

const root = path.join(__dirname, '..', '..');
for (const folder of ['lib', 'models', 'migrations', 'seeders', 'test/helpers']) {
  for (const file of fs.readdirSync(path.join(root, folder), { recursive: true, encoding: 'utf8' })) {
    const module = path.join(folder, file);
    if (module.endsWith('.ts') && !PROGRAMS.has(module)) require(path.join(root, module));
  }
}
