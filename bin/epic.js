#!/usr/bin/env node
'use strict';
const path = require('node:path');

const argv = process.argv.slice(2);
if (argv[0] === '--version' || argv[0] === '-V') {
  // Answered before loading the CRM: scripts ask this often and want it at once.
  process.stdout.write(`${require('../package.json').version}\n`);
  return;
}
const BUNDLE = path.join(__dirname, '..', 'dist', 'cli.js');
const loadCli = () => require('./load-bundle.js').loadBundle(BUNDLE);

if (argv[0] === '--serve-warm') {
  // The warm process (README, "Start-up time"), started by a one-shot command that found none.
  loadCli().serveWarmProcess(argv[1], BUNDLE, argv[2]);
  return;
}

(async () => {
  // A warm process of this installation and configuration runs the command if there is one.
  const warm = require('../dist/warm-client.js');
  const plan = warm.warmPlan(BUNDLE, argv);
  // Asked of the descriptor: making process.stdin would leave a piped standard input non-blocking.
  const relay = { stdout: process.stdout, stderr: process.stderr, stdinIsTerminal: require('node:tty').isatty(0), cwd: process.cwd() };
  const outcome = plan ? await warm.runWarm(plan, argv, relay) : 'absent';
  if (outcome !== 'absent' && outcome !== 'elsewhere') process.exit(outcome.exit);
  // As it was before this command read .env into it, for the warm process it may start.
  const environment = { ...process.env };
  const { main, guardProcess, processStreams } = loadCli();
  // Once for the process: a closed pipe ends it quietly, an error nobody caught goes to the run.
  guardProcess();
  const code = await main(argv, processStreams());
  if (plan && outcome === 'absent') warm.startWarm(plan, __filename, environment);
  // Everything is closed and error reports flushed (bounded to 2 s) by now; a Sentry that
  // never answers must not keep the process alive with its open request.
  process.exit(code);
})();
