import path from 'node:path';
import test from 'ava';
import { createApp } from '../lib/app';
import { readConfig } from '../lib/config';
import { vorpalEditor } from '../lib/shell/line-editor';
import { createShell } from '../lib/shell/repl';
import { capture } from './helpers/shell';
import { tempDir } from './helpers/temp';

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

test('the shell starts without loading babel-polyfill or core-js', (t) => {
  const home = tempDir('epic-app-');
  const app = createApp(readConfig({ HOME: home, EPIC_DATA_DIR: path.join(home, 'data'), XDG_CONFIG_HOME: path.join(home, 'config'), NO_COLOR: '1' }));
  const editor = vorpalEditor({ noColor: true }, capture().stream as unknown as NodeJS.WriteStream);
  const shell = createShell(app, editor, { stdout: capture().stream, stderr: capture().stream, stdoutIsTerminal: false, stderrIsTerminal: false });
  shell.sync();
  editor.start(shell.handlers);
  try {
    t.truthy(require.cache[require.resolve('vorpal')], 'the line editor loaded vorpal');
    const loaded = Object.keys(require.cache);
    t.deepEqual(loaded.filter((file) => /[\\/]node_modules[\\/](babel-polyfill|core-js)[\\/].*\.js$/.test(file)), []);
  } finally {
    editor.stop();
  }
});
