import { spawnSync } from 'node:child_process';
import path from 'node:path';
import test from 'ava';
import { projectRoot } from '../lib/paths';

/** The shell library's old dependency tree, moved to maintained versions (README, "Dependencies"). */

const versionOf = (name: string, from: string) => (require(require.resolve(`${name}/package.json`, { paths: [from] })) as { version: string }).version;
const dirOf = (name: string, from: string) => path.dirname(require.resolve(`${name}/package.json`, { paths: [from] }));

test('vorpal\'s inquirer runs on lodash 4, and no core-js 2 is installed', (t) => {
  const vorpal = dirOf('vorpal', __dirname);
  t.regex(versionOf('lodash', dirOf('inquirer', vorpal)), /^4\./);
  const polyfill = dirOf('babel-polyfill', vorpal);
  t.regex(versionOf('core-js', polyfill), /^3\./);
  t.regex(versionOf('core-js', dirOf('babel-runtime', polyfill)), /^3\./);
});

// Started in a process of its own: a started line editor holds standard input open.
const STARTS_THE_EDITOR = `
  const { vorpalEditor } = require('./lib/shell/line-editor');
  const { processStreams } = require('./lib/io/streams');
  vorpalEditor({ ...processStreams(), env: { NO_COLOR: '1' } }).start({ line: async () => undefined, complete: async () => ({}), interrupt: () => undefined, end: () => undefined });
  const loaded = Object.keys(require.cache);
  process.stderr.write('RESULT ' + JSON.stringify({
    vorpal: loaded.some((file) => /node_modules[\\\\/]vorpal[\\\\/]/.test(file)),
    old: loaded.filter((file) => /node_modules[\\\\/](babel-polyfill|core-js)[\\\\/].*\\.js$/.test(file)),
  }) + '\\n');
  process.exit(0);`;

test('the shell starts without loading babel-polyfill or core-js', (t) => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', STARTS_THE_EDITOR], { cwd: projectRoot(), encoding: 'utf8', input: '', timeout: 60_000 });
  const line = run.stderr.split('\n').find((text) => text.startsWith('RESULT '));
  t.truthy(line, run.stderr);
  const result = JSON.parse(line!.slice('RESULT '.length)) as { vorpal: boolean; old: string[] };
  t.true(result.vorpal, 'the line editor loaded vorpal');
  t.deepEqual(result.old, []);
});
