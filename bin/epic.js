#!/usr/bin/env node
'use strict';
if (process.argv[2] === '--version' || process.argv[2] === '-V') {
  // Answered before loading the CRM: scripts ask this often and want it at once.
  process.stdout.write(`${require('../package.json').version}\n`);
  return;
}
const { loadBundle } = require('./load-bundle.js');
const { main, guardProcess, processStreams } = loadBundle(require('node:path').join(__dirname, '..', 'dist', 'cli.js'));
// Once for the process: a closed pipe ends it quietly, an error nobody caught goes to the run.
guardProcess();
main(process.argv.slice(2), processStreams()).then((code) => {
  // Everything is closed and error reports flushed (bounded to 2 s) by now; a Sentry that
  // never answers must not keep the process alive with its open request.
  process.exit(code);
});
