/**
 * ava's configuration. The test files that mostly wait (servers starting and stopping, a
 * terminal redrawing, warm processes, flushes to an unanswering Sentry, embedded clusters of
 * their own) start first, the rest in name order: the suite is CPU-bound on two cores, and a
 * file that waits at the end of the run leaves a core idle, while at the start its waits
 * overlap the other files' work.
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
  sortTestFiles: (a, b) => rank(a) - rank(b) || a.localeCompare(b, [], { numeric: true }),
};
