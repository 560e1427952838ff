import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { EPIC } from './epic';
import { running } from './processes';

const tmux = promisify(execFile);
let opened = 0;

/**
 * A real terminal running the `epic` binary: tmux, on a server of its own (`-L`), sized as
 * asked. Tests press keys and read the screen as a person would. Close it in after.always.
 */
export class Terminal {
  private constructor(private readonly socket: string) {}

  /** Runs `epic args...` with `env`; when it ends, the screen shows `[exit N]`. */
  static async open(env: Record<string, string>, options: { args?: string[]; columns?: number; rows?: number } = {}): Promise<Terminal> {
    const socket = `epic-test-${process.pid}-${++opened}`;
    const command = [process.execPath, EPIC, ...(options.args ?? [])].map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
    await tmux(
      'tmux',
      ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-x', String(options.columns ?? 80), '-y', String(options.rows ?? 30), `${command}; echo "[exit $?]"; sleep 600`],
      { env: { ...env, TERM: 'xterm-256color' }, cwd: env.HOME },
    );
    return new Terminal(socket);
  }

  /** Types text literally. */
  async type(text: string): Promise<void> {
    await tmux('tmux', ['-L', this.socket, 'send-keys', '-l', text]);
  }

  /** Presses keys by name: Enter, Tab, C-c, C-d. */
  async press(...keys: string[]): Promise<void> {
    for (const key of keys) await tmux('tmux', ['-L', this.socket, 'send-keys', key]);
  }

  /** The visible screen, one string per row as wrapped by the terminal, or per line when `joined`. */
  async screen(joined = false): Promise<string[]> {
    const { stdout } = await tmux('tmux', ['-L', this.socket, 'capture-pane', '-p', ...(joined ? ['-J'] : [])]);
    return stdout.replace(/\n+$/, '').split('\n');
  }

  /** Waits until the screen matches; fails with the screen shown. */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    let text = '';
    while (Date.now() < until) {
      text = await this.screenText();
      if (pattern.test(text)) return text;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the screen never showed ${pattern}:\n${text}`);
  }

  /** Types a line and waits for the prompt to come back after it (the `count`-th prompt on screen). */
  async run(line: string, prompt: RegExp): Promise<string> {
    const before = count(await this.screenText(), prompt);
    await this.type(line);
    await this.press('Enter');
    const until = Date.now() + 20_000;
    for (;;) {
      const text = await this.screenText();
      if (count(text, prompt) > before) return text;
      if (Date.now() > until) throw new Error(`no prompt after "${line}":\n${text}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The screen with wrapped lines joined, trailing spaces trimmed by tmux. */
  async screenText(): Promise<string> {
    return (await this.screen(true)).join('\n');
  }

  /** Ends the session and waits until the processes it ran have exited (they may still be writing files). */
  async close(): Promise<void> {
    const processes = await this.processes().catch(() => []);
    const socket = await tmux('tmux', ['-L', this.socket, 'display-message', '-p', '#{socket_path}']).then(({ stdout }) => stdout.trim(), () => '');
    await tmux('tmux', ['-L', this.socket, 'kill-server']).catch(() => undefined);
    if (socket) fs.rmSync(socket, { force: true });
    const until = Date.now() + 10_000;
    while (processes.some(running) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
    for (const pid of processes.filter(running)) process.kill(pid, 'SIGKILL');
  }

  /** The pane's shell and its children (the `epic` process). */
  private async processes(): Promise<number[]> {
    const { stdout } = await tmux('tmux', ['-L', this.socket, 'list-panes', '-F', '#{pane_pid}']);
    const shell = Number(stdout.trim());
    const children = await tmux('pgrep', ['-P', String(shell)]).then(
      ({ stdout: pids }) => pids.split('\n').filter(Boolean).map(Number),
      () => [],
    );
    return [shell, ...children];
  }
}

function count(text: string, pattern: RegExp): number {
  return text.match(new RegExp(pattern.source, 'gm'))?.length ?? 0;
}
