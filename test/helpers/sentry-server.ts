import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';

/** A stand-in Sentry on 127.0.0.1 that records every envelope the SDK posts. */
export interface FakeSentry {
  dsn: string;
  /** Every item payload received, parsed. */
  items(): Record<string, unknown>[];
  /** Everything received, as text, to look for leaks. */
  raw(): string;
  close(): Promise<void>;
}

export async function fakeSentry(options: { answer?: boolean } = {}): Promise<FakeSentry> {
  const bodies: string[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      let body = Buffer.concat(chunks);
      if (request.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
      bodies.push(body.toString('utf8'));
      if (options.answer !== false) response.end('{}');
      // With answer: false the request is left hanging, like a Sentry that never responds.
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    dsn: `http://key@127.0.0.1:${port}/1`,
    items: () =>
      bodies.flatMap((body) =>
        body
          .split('\n')
          .filter((line) => line.trim().startsWith('{'))
          .map((line) => JSON.parse(line) as Record<string, unknown>)
          .filter((item) => 'event_id' in item && ('message' in item || 'exception' in item || 'logentry' in item)),
      ),
    raw: () => bodies.join('\n'),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
