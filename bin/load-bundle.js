'use strict';
/**
 * Loads the bundle (dist/cli.js, built by `npm run build`) with V8's compiled code for it, kept
 * between runs: compiling the 2.8 MB bundle is most of a one-shot command's start-up.
 *
 * v8-compile-cache did this before, but on Node 20 it rewrote its whole cache (1.4 MB) on every
 * run and hashed the bundle each time, which cost more than it saved. Here the cache is written
 * only when it is missing or V8 rejected it (another Node version, other flags), after the
 * command ran, so that it holds the functions the command compiled too. A cache is named after
 * the bundle's size, modification time and inode: V8 itself checks only the source's length,
 * and a rebuilt bundle of the same length must never run the old code.
 *
 * The cache folder is the user's own (XDG cache, 0700): code in a folder others can write to
 * could be planted. A folder of another owner, or open to others, is not used.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

function privateCacheDir() {
  const dir = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'epic-events', 'v8');
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = fs.statSync(dir);
    const ours = typeof process.getuid !== 'function' || stat.uid === process.getuid();
    return ours && (stat.mode & 0o077) === 0 ? dir : undefined;
  } catch {
    return undefined; // No cache then: only slower.
  }
}

function loadBundle(filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const dir = privateCacheDir();
  let cacheFile;
  let cachedData;
  if (dir) {
    const stat = fs.statSync(filename);
    // Each installation has its own caches (several may share the user's cache folder), and so
    // do runs with other V8 flags, which V8 would reject the other's cache for.
    const key = [filename, ...process.execArgv, process.env.NODE_OPTIONS ?? ''].join('\0');
    const name = `${path.basename(filename, '.js')}-${crypto.createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
    cacheFile = path.join(dir, `${name}-${stat.size}-${Math.trunc(stat.mtimeMs)}-${stat.ino}-${process.version}-${process.arch}.cache`);
    try {
      cachedData = fs.readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  const script = new vm.Script(Module.wrap(source), { filename, cachedData });
  if (cacheFile && (cachedData === undefined || script.cachedDataRejected)) {
    process.once('exit', () => writeCache(script, cacheFile));
  }
  const module = { exports: {}, filename, id: filename };
  script.runInThisContext().call(module.exports, module.exports, Module.createRequire(filename), module, filename, path.dirname(filename));
  return module.exports;
}

/** Written whole under a temporary name, then renamed: a run that starts meanwhile never reads half a file. */
function writeCache(script, cacheFile) {
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
    fs.renameSync(temporary, cacheFile);
    // Caches of this installation's earlier builds (run with the same flags) are of no further use.
    const installation = `${path.basename(cacheFile).split('-').slice(0, 2).join('-')}-`;
    for (const old of fs.readdirSync(path.dirname(cacheFile))) {
      if (old.startsWith(installation) && old !== path.basename(cacheFile) && !old.endsWith('.tmp')) fs.rmSync(path.join(path.dirname(cacheFile), old), { force: true });
    }
  } catch {
    fs.rmSync(temporary, { force: true });
  }
}

module.exports = { loadBundle };
