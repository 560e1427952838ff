import fs from 'node:fs';
import net from 'node:net';
import { Readable, Writable } from 'node:stream';
import type { App } from '../app';
import { EXIT, NeedsTerminal, OutputClosed } from '../errors';
import type { IOStreams } from '../io/streams';
import { findCommand, isSystemCommand } from '../commands';
import { runOneShot } from '../oneshot';
import type { Prompter } from '../session/contracts';
import { noPrompter } from '../shell/prompts';
import { bundleIdentity } from './client';
import { line, PROTOCOL, type QuitRequest, type WarmFrame, type WarmRequest } from './protocol';

/**
 * The warm process: the CRM loaded and a database connection open, serving the one-shot
 * commands of one user and one configuration over a private socket (README, "Start-up time").
 * Commands run side by side, each with the caller's streams, terminal and folder. It leaves
 * after EPIC_WARM_IDLE_MINUTES without a command (10 by default), when its socket is removed
 * or replaced, when asked to (`epic db stop`), and when its bundle changes on disk.
 */

/** How long a leaving process waits for the commands under way. */
const LEAVING_GRACE_MS = 5000;

/** A question cannot be asked from here: the command goes back to run in-process, at the terminal. */
const handBack: Prompter = {
  interactive: true,
  ask: () => Promise.reject(new NeedsTerminal()),
  askSecret: () => Promise.reject(new NeedsTerminal()),
  confirm: () => Promise.reject(new NeedsTerminal()),
};

/** A stream whose writes become frames on the socket, waiting while the caller reads slowly, failing once they left. */
function frameStream(socket: net.Socket, key: 'out' | 'err', onWrite: () => void): Writable {
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, done) {
      if (socket.destroyed) return done(new OutputClosed('the caller went away'));
      onWrite();
      if (socket.write(line(key === 'out' ? { out: chunk.toString() } : { err: chunk.toString() }))) return done();
      const drained = () => {
        socket.off('close', gone);
        done();
      };
      const gone = () => {
        socket.off('drain', drained);
        done(new OutputClosed('the caller went away'));
      };
      socket.once('drain', drained);
      socket.once('close', gone);
    },
  });
  // A command writing to a caller that left fails where it awaits its output; nobody else listens.
  stream.on('error', () => undefined);
  return stream;
}

async function serveOne(app: App, socket: net.Socket, request: WarmRequest, bundleFile: string, bundle: string): Promise<'served' | 'stale'> {
  const send = (frame: WarmFrame) => socket.write(line(frame));
  if (request.protocol !== PROTOCOL || request.bundle !== bundle || bundleIdentity(bundleFile) !== bundle) {
    send({ elsewhere: true });
    return 'stale';
  }
  // `setup` and `db …` however spelt (`epic DB stop`) manage the database this process holds:
  // in-process only (db stop asks this very process to leave).
  const found = findCommand(request.argv);
  if (found && isSystemCommand(found.spec)) {
    send({ elsewhere: true });
    return 'served';
  }
  // From here the command may change data: a caller that loses us must not run it again.
  send({ accepted: true });
  let wrote = false;
  const io: IOStreams = {
    stdin: Readable.from([]),
    stdout: frameStream(socket, 'out', () => (wrote = true)),
    stderr: frameStream(socket, 'err', () => (wrote = true)),
    stdinIsTerminal: request.stdinIsTerminal,
    stdoutIsTerminal: request.stdoutIsTerminal,
    stderrIsTerminal: request.stderrIsTerminal,
    columns: request.columns,
    // The same as the caller's, for what shapes a command: the socket's name holds them.
    env: process.env,
    cwd: request.cwd,
    // Standard input stays with the caller (--password-stdin runs in-process).
    readAll: () => Promise.reject(new NeedsTerminal()),
  };
  const prompt = request.stdinIsTerminal && request.stderrIsTerminal ? handBack : noPrompter;
  let code: number;
  try {
    code = await runOneShot(app, io, request.argv, prompt);
  } catch (error) {
    if (!(error instanceof NeedsTerminal) || wrote) throw error;
    send({ elsewhere: true });
    return 'served';
  }
  await new Promise<void>((resolve) => io.stdout.end(() => io.stderr.end(() => resolve())));
  send({ exit: code });
  return 'served';
}

export async function serveWarm(app: App, socketPath: string, bundleFile: string, bundle: string, idleMinutes: number): Promise<void> {
  const server = net.createServer();
  const running = new Set<Promise<void>>();
  let lastUse = Date.now();
  let leaving = false;
  let ownInode: number | undefined;
  let watch: NodeJS.Timeout | undefined;
  const leave = () => {
    if (leaving) return;
    leaving = true;
    server.close();
    clearInterval(watch);
    // Only our own socket is removed: a newer process may have taken the name.
    try {
      if (fs.statSync(socketPath).ino === ownInode) fs.rmSync(socketPath);
    } catch {
      /* already gone */
    }
    // Commands under way finish, unless a reader stalls them: then they end with the process,
    // which does not wait for their connections either (closing waits for every one).
    const grace = () => new Promise((resolve) => setTimeout(resolve, LEAVING_GRACE_MS));
    void Promise.race([Promise.allSettled(running), grace()])
      .then(() => Promise.race([app.close(), grace()]))
      .then(() => app.reporter.flush(2000))
      .finally(() => process.exit(EXIT.ok));
  };
  server.on('connection', (socket) => {
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('error', () => socket.destroy());
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const end = buffered.indexOf('\n');
      if (end < 0) return;
      socket.removeAllListeners('data');
      let request: WarmRequest | QuitRequest;
      try {
        request = JSON.parse(buffered.slice(0, end)) as WarmRequest | QuitRequest;
      } catch {
        return socket.destroy();
      }
      if (leaving) {
        socket.end(line({ elsewhere: true }));
        return;
      }
      if ('quit' in request) {
        // The asker waits for the end of the connection, which comes when this process does.
        leave();
        return;
      }
      const served = (async () => {
        lastUse = Date.now();
        try {
          if ((await serveOne(app, socket, request, bundleFile, bundle)) === 'stale') leave();
        } catch (error) {
          // The caller gets a failure; the process stays, as the shell does after an unexpected error.
          app.reporter.captureException(error);
          if (!socket.destroyed) socket.write(line({ exit: EXIT.failure }));
        } finally {
          socket.end();
          lastUse = Date.now();
        }
      })();
      running.add(served);
      void served.finally(() => running.delete(served));
    });
  });
  ownInode = await listenOnce(server, socketPath);
  // Connected before the first command, which is then as fast as the next ones.
  await app.db().catch(() => undefined);
  watch = setInterval(() => {
    let ours = false;
    try {
      ours = fs.statSync(socketPath).ino === ownInode;
    } catch {
      /* removed */
    }
    if (!ours || (running.size === 0 && Date.now() - lastUse > idleMinutes * 60_000)) leave();
  }, Math.min(30_000, idleMinutes * 15_000));
  process.on('SIGTERM', leave);
}

/**
 * Listens under a name of its own, then takes the socket's name in one rename: of two processes
 * started at once, the last one renamed answers, and the other, whose socket is no longer under
 * the name, leaves at its next check. Resolves to the inode that is this process's socket.
 */
function listenOnce(server: net.Server, socketPath: string): Promise<number> {
  const own = `${socketPath}.${process.pid}`;
  fs.rmSync(own, { force: true });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(own, () => {
      const inode = fs.statSync(own).ino;
      fs.renameSync(own, socketPath);
      resolve(inode);
    });
  });
}
