'use strict';
// Preloaded into a benchmarked `epic` (NODE_OPTIONS=--require): writes the process's peak
// resident memory, in kilobytes, to the file EPIC_BENCH_PEAK_FILE names, when it exits.
process.on('exit', () => require('node:fs').writeFileSync(process.env.EPIC_BENCH_PEAK_FILE, String(process.resourceUsage().maxRSS)));
