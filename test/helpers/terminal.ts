import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';
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
  private constructor(
    private readonly socket: string,
    private readonly control: ControlClient,
  ) {}

  /** Runs `epic args...` with `env`; when it ends, the screen shows `[exit N]`. */
  static async open(env: Record<string, string>, options: { args?: string[]; columns?: number; rows?: number } = {}): Promise<Terminal> {
    const socket = `epic-test-${process.pid}-${++opened}`;
    const command = [process.execPath, EPIC, ...(options.args ?? [])].map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
    await tmux(
      'tmux',
      ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-x', String(options.columns ?? 80), '-y', String(options.rows ?? 30), `${command}; echo "[exit $?]"; sleep 600`],
      { env: { ...env, TERM: 'xterm-256color' }, cwd: env.HOME },
    );
    return new Terminal(socket, new ControlClient(socket));
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
    const lines = await this.control.command(joined ? 'capture-pane -p -J' : 'capture-pane -p');
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return lines;
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
    this.control.stop();
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

/**
 * A tmux control-mode client of the terminal's server (`tmux -C`), through which the screen is
 * read: waiting for a screen looks at it ten times a second, and a process started for each
 * look cost the test process more CPU than everything else it did. It neither sizes the window
 * nor receives the pane's output (`ignore-size,no-output`). Each command's answer comes back
 * between `%begin` and `%end` lines whose last field is 1 (the attach's own answer has 0), in
 * the order the commands were written; other lines are notifications.
 */
class ControlClient {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: { resolve(lines: string[]): void; reject(error: Error): void }[] = [];
  private answer: string[] | undefined;

  constructor(socket: string) {
    this.child = spawn('tmux', ['-L', socket, '-C', 'attach-session', '-f', 'ignore-size,no-output']);
    this.child.stderr.resume();
    readline.createInterface({ input: this.child.stdout }).on('line', (line) => this.read(line));
    this.child.on('close', () => {
      for (const { reject } of this.waiting.splice(0)) reject(new Error('the tmux server of the terminal is gone'));
    });
  }

  private read(line: string): void {
    if (this.answer === undefined) {
      if (/^%begin \d+ \d+ 1$/.test(line)) this.answer = [];
      return;
    }
    if (!/^%(end|error) \d+ \d+ 1$/.test(line)) {
      this.answer.push(line);
      return;
    }
    const lines = this.answer;
    this.answer = undefined;
    const next = this.waiting.shift();
    if (line.startsWith('%error')) next?.reject(new Error(`tmux: ${lines.join('\n')}`));
    else next?.resolve(lines);
  }

  command(text: string): Promise<string[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.child.stdin.write(`${text}\n`);
    });
  }

  stop(): void {
    this.child.stdin.end();
  }
}

function count(text: string, pattern: RegExp): number {
  return text.match(new RegExp(pattern.source, 'gm'))?.length ?? 0;
}
