import { PassThrough } from 'node:stream';
import type { IOStreams } from '../../lib/io/streams';

/** Captures what a stream receives, as text. */
export function capture(): { stream: PassThrough; text(): string; clear(): void } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk) => (text += chunk));
  return { stream, text: () => text, clear: () => (text = '') };
}

/** Reads a stream to its end, as text. */
async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  stream.setEncoding('utf8');
  for await (const chunk of stream) text += chunk as string;
  return text;
}

export interface MemoryIO {
  io: IOStreams;
  stdout: ReturnType<typeof capture>;
  stderr: ReturnType<typeof capture>;
}

/**
 * Streams in memory, for `main` and the Runner: standard input holds `input` and ends, what is
 * written is captured. Nothing is a terminal unless said; the environment is only what is given,
 * NO_COLOR by default, as testApp's configuration.
 */
export function memoryIO(options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string; terminal?: boolean; stderrTerminal?: boolean; columns?: number } = {}): MemoryIO {
  const stdin = new PassThrough();
  stdin.end(options.input ?? '');
  const stdout = capture();
  const stderr = capture();
  const io: IOStreams = {
    stdin,
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdinIsTerminal: false,
    stdoutIsTerminal: options.terminal === true,
    stderrIsTerminal: options.stderrTerminal ?? options.terminal === true,
    columns: options.columns,
    env: options.env ?? { NO_COLOR: '1' },
    cwd: options.cwd ?? process.cwd(),
    readAll: () => readStream(stdin),
  };
  return { io, stdout, stderr };
}
