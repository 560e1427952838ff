#!/usr/bin/env node
'use strict';
if (process.argv[2] === '--version' || process.argv[2] === '-V') {
  // Answered before loading the CRM: scripts ask this often and want it at once.
  process.stdout.write(`${require('../package.json').version}\n`);
  return;
}
// The CRM is bundled into dist/ by `npm run build` (run by npm ci / npm install) for a fast start,
// and V8's compiled code for it is cached between runs, in a folder of the user's own (a cache in
// a shared temporary folder could be planted by another user).
const path = require('node:path');
const cacheDir = path.join(process.env.XDG_CACHE_HOME || path.join(require('node:os').homedir(), '.cache'), 'epic-events', 'v8');
try {
  require('node:fs').mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  process.env.V8_COMPILE_CACHE_CACHE_DIR = cacheDir;
  require('v8-compile-cache');
} catch {
  // No cache then: only slower.
}
const { main } = require('../dist/cli.js');
main(process.argv.slice(2)).then((code) => {
  // Everything is closed and error reports flushed (bounded to 2 s) by now; a Sentry that
  // never answers must not keep the process alive with its open request.
  process.exit(code);
});
