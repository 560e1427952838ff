import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { line, PROTOCOL, type WarmFrame, type WarmRequest } from './protocol';

/**
 * The thin side of the warm process (README, "Start-up time"), built into its own small file
 * (dist/warm-client.js) that `bin/epic.js` loads before anything else. A one-shot command
 * spends most of its time loading the CRM and connecting to the database; a per-user
 * background process that did both once answers in a few milliseconds. This asks it to run
 * the command with this process's streams, terminal and folder, and says when it cannot: no
 * such process yet, or one that handed the command back (a question to ask, a new version).
 *
 * Only the same user can reach the process: its socket lives in a folder of the user's own
 * that nobody else may enter (0700, owner checked before every use). The socket's name holds
 * the bundle's identity and every variable that shapes a command (and the `.env` of the
 * folder), so an upgraded installation or another configuration never reaches a process
 * started for the old one. Only Node's built-in modules are loaded here.
 */

/**
 * The variables that change what a command does, where it connects, what it trusts or how it
 * prints. Not TERM: colour follows NO_COLOR, FORCE_COLOR and whether each stream is a terminal
 * (lib/output/colour.ts), which the request carries; terminals of other kinds share a process.
 */
const SHAPING = /^(?:EPIC_|PG|SENTRY_|XDG_|LC_|NODE_|SSL_)|^(?:DATABASE_URL|NO_COLOR|FORCE_COLOR|TZ|LANG|LANGUAGE|HOME|USER|LOGNAME|TMPDIR)$|_PROXY$/i;

/** How long `epic db stop` waits for a warm process to leave. */
const STOP_WAIT_MS = 6000;

/** Variables holding folders, which the CRM resolves against the current folder. */
const FOLDERS = new Set(['EPIC_DATA_DIR', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'HOME', 'TMPDIR']);

/** The database's own life (db …), the first account (setup), and anything read from standard input run in-process. */
const IN_PROCESS = new Set(['setup', 'db', '--help', '-h']);

export interface WarmPlan {
  socket: string;
  bundle: string;
}

/** The user's private folder for warm sockets (made unless `create` is false), or undefined when it is not safely theirs. */
export function warmFolder(env: NodeJS.ProcessEnv, create = true): string | undefined {
  if (typeof process.getuid !== 'function') return undefined;
  const uid = process.getuid();
  const dir = path.join(env.XDG_RUNTIME_DIR || os.tmpdir(), `epic-events-${uid}`);
  try {
    if (create) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = fs.lstatSync(dir);
    return stat.isDirectory() && stat.uid === uid && (stat.mode & 0o077) === 0 ? dir : undefined;
  } catch {
    return undefined;
  }
}

/** The user's random key for socket names, made once in their private folder; undefined when it cannot be kept there. */
function privateKey(dir: string): Buffer | undefined {
  const file = path.join(dir, 'key');
  try {
    fs.writeFileSync(file, crypto.randomBytes(32), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
  }
  try {
    const key = fs.readFileSync(file);
    return key.length === 32 ? key : undefined;
  } catch {
    return undefined;
  }
}

/** The bundle as it is on disk now: a rebuilt or upgraded one has another identity. */
export function bundleIdentity(bundleFile: string): string | undefined {
  try {
    const stat = fs.statSync(bundleFile);
    return [stat.size, Math.trunc(stat.mtimeMs), stat.ino, process.version, process.arch, ...process.execArgv].join(':');
  } catch {
    return undefined;
  }
}

/** Where the warm process for this command's installation and configuration listens, or undefined to run in-process. */
export function warmPlan(bundleFile: string, argv: string[], env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): WarmPlan | undefined {
  if (env.EPIC_WARM === '0' || process.platform === 'win32') return undefined;
  if (argv.length === 0 || IN_PROCESS.has(argv[0].toLowerCase()) || argv.includes('--password-stdin')) return undefined;
  const bundle = bundleIdentity(bundleFile);
  const dir = bundle && warmFolder(env);
  if (!bundle || !dir) return undefined;
  const key = privateKey(dir);
  if (!key) return undefined;
  // Keyed: the name shows in the process list, and it is made of secrets (DATABASE_URL's password).
  const hash = crypto.createHmac('sha256', key).update(`${PROTOCOL}\0${bundleFile}\0${bundle}\0`);
  for (const name of Object.keys(env).filter((key) => SHAPING.test(key)).sort()) {
    // A relative folder means another folder from elsewhere.
    const value = FOLDERS.has(name) ? path.resolve(cwd, env[name] ?? '') : env[name];
    hash.update(`${name}=${value}\0`);
  }
  try {
    // Folders a .env names may be relative to where it is, too; whether it is used depends on its owner and mode.
    const file = path.join(cwd, '.env');
    const stat = fs.lstatSync(file);
    hash.update(fs.readFileSync(file)).update(`\0${cwd}\0${stat.uid}\0${stat.mode}\0${stat.ino}`);
  } catch {
    hash.update('\0no .env');
  }
  return { socket: path.join(dir, `${hash.digest('hex').slice(0, 24)}.sock`), bundle };
}

/** What came of asking: the command's exit code, no warm process to ask, or one that handed the command back. */
export type WarmOutcome = { exit: number } | 'absent' | 'elsewhere';

/** Resolves once what was written to the stream has been handed to the system. */
const flushed = (stream: NodeJS.WriteStream) => new Promise<void>((resolve) => stream.write('', () => resolve()));

/**
 * The streams the command's output is relayed to, and what the warm process must know of the
 * caller's terminal: bin/epic.js hands over its process's own (this client loads none of the
 * CRM, lib/io/streams.ts included).
 */
export interface RelayStreams {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdinIsTerminal: boolean;
  cwd: string;
}

/** Runs the command in the warm process, its output written to `io` as it comes and at the pace it is read. */
export function runWarm(plan: WarmPlan, argv: string[], io: RelayStreams, debug = process.env.EPIC_DEBUG === '1'): Promise<WarmOutcome> {
  return new Promise((resolve) => {
    const socket = net.connect(plan.socket);
    let settled = false;
    let accepted = false;
    let waiting = false;
    let buffered = '';
    const settle = (outcome: WarmOutcome) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(outcome);
    };
    // A reader that went away (`epic client list | head -1`) ends the command, as in-process.
    for (const stream of [io.stdout, io.stderr]) {
      stream.on('error', (error: NodeJS.ErrnoException) => settle({ exit: stream === io.stdout && error.code === 'EPIPE' ? 0 : 1 }));
    }
    // Lost once the command was accepted, its outcome is unknown: a failure, never a second run.
    const lost = () => {
      if (!waiting) settle(accepted ? { exit: 1 } : 'absent');
    };
    /** Handles the frames received, stopping while the terminal or pipe is full. */
    const pump = () => {
      for (let end = buffered.indexOf('\n'); end >= 0 && !settled && !waiting; end = buffered.indexOf('\n')) {
        const frame = JSON.parse(buffered.slice(0, end)) as WarmFrame;
        buffered = buffered.slice(end + 1);
        if ('accepted' in frame) accepted = true;
        else if ('elsewhere' in frame) settle('elsewhere');
        else if ('exit' in frame) {
          if (debug) io.stderr.write(`debug: answered by the warm process at ${plan.socket}\n`);
          // Everything written reaches the reader before the process exits.
          void Promise.all([flushed(io.stdout), flushed(io.stderr)]).then(() => settle({ exit: frame.exit }));
          waiting = true;
        } else {
          const target = 'out' in frame ? io.stdout : io.stderr;
          if (!target.write('out' in frame ? frame.out : frame.err)) {
            waiting = true;
            socket.pause();
            target.once('drain', () => {
              waiting = false;
              socket.resume();
              pump();
              if (socket.destroyed) lost();
            });
          }
        }
      }
    };
    socket.on('error', lost);
    socket.on('close', lost);
    socket.on('connect', () => {
      const request: WarmRequest = {
        protocol: PROTOCOL,
        bundle: plan.bundle,
        argv,
        cwd: io.cwd,
        stdinIsTerminal: io.stdinIsTerminal,
        stdoutIsTerminal: io.stdout.isTTY === true,
        stderrIsTerminal: io.stderr.isTTY === true,
        columns: io.stdout.columns,
      };
      socket.write(line(request));
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      pump();
    });
  });
}

/** Starts the warm process for this plan, detached: the command that starts it does not wait for it. */
export function startWarm(plan: WarmPlan, epicScript: string, env: NodeJS.ProcessEnv): void {
  try {
    // It reads the .env of this folder itself, as this command did (the socket's name holds that
    // file's text): `env` is the environment from before, so that a value is said to come from .env.
    spawn(process.execPath, [...process.execArgv, epicScript, '--serve-warm', plan.socket, plan.bundle], { detached: true, stdio: 'ignore', env }).unref();
  } catch {
    // Only slower: the next command runs in-process again.
  }
}

/**
 * Asks every warm process of this user to leave, and waits until they have: each holds a
 * connection to the database, which `epic db stop` would otherwise count as a shell in use.
 */
export async function stopWarm(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  // No folder, no warm process: none is made for the asking.
  const dir = warmFolder(env, false);
  if (!dir) return;
  const sockets = fs.readdirSync(dir).filter((name) => name.endsWith('.sock'));
  await Promise.all(
    sockets.map(
      (name) =>
        new Promise<void>((resolve) => {
          const socket = net.connect(path.join(dir, name), () => socket.write(line({ quit: true })));
          // A process held by a reader that stalls leaves later: its connection then counts as a shell's.
          const giveUp = setTimeout(() => socket.destroy(), STOP_WAIT_MS);
          const done = () => {
            clearTimeout(giveUp);
            resolve();
          };
          socket.on('error', done);
          socket.on('close', done);
          socket.resume();
        }),
    ),
  );
}

/** The sockets of the user's warm processes that answer now (benchmarks and tests wait for them). */
export async function answeringWarmSockets(env: NodeJS.ProcessEnv): Promise<string[]> {
  const dir = warmFolder(env, false);
  if (!dir) return [];
  const sockets = fs.readdirSync(dir).filter((name) => name.endsWith('.sock'));
  const answers = (name: string) =>
    new Promise<boolean>((resolve) => {
      const socket = net.connect(path.join(dir, name), () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
  const live = await Promise.all(sockets.map(answers));
  return sockets.filter((_, i) => live[i]);
}
