/**
 * ava's configuration. The test files that mostly wait (servers starting and stopping, a
 * terminal redrawing, warm processes, flushes to an unanswering Sentry, embedded clusters of
 * their own) start first, the rest in name order: the suite is CPU-bound on two cores, and a
 * file that waits at the end of the run leaves a core idle, while at the start its waits
 * overlap the other files' work. One file more than ava's default of one per core runs at a
 * time: with two, two waiting files left the cores idle for seconds at a time (measured: 11 to
 * 14 of 105 core-seconds idle with 2, 4 with 3).
 */
const WAITING_FIRST = ['data-move', 'terminal', 'embedded-database', 'warm', 'sentry', 'hostile-environment', 'epic-binary'];

const rank = (file) => {
  const index = WAITING_FIRST.findIndex((name) => file.endsWith(`/${name}.test.ts`));
  return index === -1 ? WAITING_FIRST.length : index;
};

export default {
  extensions: { ts: 'commonjs' },
  nodeArguments: ['--require=tsx/cjs'],
  files: ['test/**/*.test.ts'],
  timeout: '120s',
  workerThreads: false,
  concurrency: 3,
  sortTestFiles: (a, b) => rank(a) - rank(b) || a.localeCompare(b, [], { numeric: true }),
};
