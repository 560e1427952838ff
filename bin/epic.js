#!/usr/bin/env node
'use strict';
// The CRM is bundled into dist/ by `npm run build` (run by npm ci / npm install) for a fast start.
const { main } = require('../dist/cli.js');
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
