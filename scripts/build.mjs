/**
 * `npm run build`: bundles the CLI and the embedded database's watchdog into dist/ with esbuild.
 * One file loads much faster than hundreds of modules, and every module loaded counts in a
 * one-shot command's start-up (README, "Start-up time"). Three parts of libraries that a
 * Node build against PostgreSQL never uses are left out here, each checked so that an upgrade
 * that changes them fails the build instead of silently bringing them back:
 *
 * - pg probes for a Cloudflare Workers runtime when it loads (lib/stream.js): on Node 20 the
 *   probe builds a `Response`, which loads Node's whole fetch library (undici, about 20 ms).
 *   This build is for Node only, so the probe's answer is known: no.
 * - Sequelize loads the data types and code of all eight of its dialects; only PostgreSQL's
 *   are used (lib/db/connection.ts), the others become a module that says so if ever loaded.
 * - moment-timezone (through Sequelize) loads every time zone of the world at start-up.
 *   Sequelize here converts with fixed UTC offsets only (its `timezone` option is never set to
 *   a named zone; the session's time zone is set at connection, lib/db/connection.ts), so
 *   moment-timezone's code is bundled without its data.
 */
import { readFile, writeFile } from 'node:fs/promises';
import * as esbuild from 'esbuild';

/** Replaces `from` by `to` in the files matching `filter`, exactly `count` times. */
function patch(name, filter, from, to, count = 1) {
  return {
    name,
    setup(build) {
      build.onLoad({ filter }, async ({ path }) => {
        const { readFile } = await import('node:fs/promises');
        const source = await readFile(path, 'utf8');
        const found = source.split(from).length - 1;
        if (found !== count) throw new Error(`${name}: expected ${count} of ${JSON.stringify(from)} in ${path}, found ${found}: check this patch against the new version`);
        return { contents: source.split(from).join(to), loader: 'js' };
      });
    },
  };
}

const OTHER_DIALECTS = ['mysql', 'mariadb', 'mssql', 'sqlite', 'db2', 'snowflake', 'oracle'];
const SEP = String.raw`[\\/]`;

const otherDialects = {
  name: 'postgres-only',
  setup(build) {
    const filter = new RegExp(`${SEP}sequelize${SEP}lib${SEP}dialects${SEP}(${OTHER_DIALECTS.join('|')})${SEP}(index|data-types)\\.js$`);
    build.onLoad({ filter }, ({ path }) => ({
      // data-types.js calls each dialect's module with the common types and keeps what it returns.
      contents: path.endsWith('data-types.js')
        ? 'module.exports = () => ({});'
        : `throw new Error('this build of epic has the PostgreSQL dialect of Sequelize only');`,
      loader: 'js',
    }));
  },
};

// The warm process's thin client, loaded before everything else by every one-shot command: Node's
// built-in modules only, so that reaching a warm process costs next to nothing.
await esbuild.build({
  entryPoints: { 'warm-client': 'lib/warm/client.ts' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  outdir: 'dist',
  minifySyntax: true,
  logLevel: 'warning',
});

await esbuild.build({
  entryPoints: ['lib/cli.ts', 'lib/db/watchdog.ts'],
  bundle: true,
  platform: 'node',
  target: 'node20',
  outdir: 'dist',
  entryNames: '[name]',
  minifyWhitespace: true,
  minifySyntax: true,
  keepNames: true,
  external: ['pg-native', 'tsx', 'vorpal', '@sentry/node', 'umzug', 'bcrypt', 'libphonenumber-js', '@zxcvbn-ts/language-common'],
  logLevel: 'warning',
  plugins: [
    patch('pg-node-runtime', new RegExp(`${SEP}pg${SEP}lib${SEP}stream\\.js$`), 'if (isCloudflareRuntime())', 'if (false)'),
    otherDialects,
    patch('moment-timezone-without-data', new RegExp(`${SEP}moment-timezone${SEP}index\\.js$`), `moment.tz.load(require('./data/packed/latest.json'));`, ''),
  ],
});

// V8 keeps a script's source as one string, of one byte per character only while every character
// is ASCII. esbuild writes ASCII, except inside regular expressions: validator's alphabets made
// the 1.9 MB bundle a 3.8 MB string in every process. `\uXXXX` is the same character in a regular
// expression, a string or an identifier; after a backslash it would not be, hence the check.
for (const file of ['dist/cli.js', 'dist/watchdog.js']) {
  const source = await readFile(file, 'utf8');
  if (/\\[^\x00-\x7f]/.test(source)) throw new Error(`${file}: a non-ASCII character follows a backslash; escaping it would change its meaning`);
  await writeFile(file, source.replace(/[^\x00-\x7f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
