import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { ValidationError } from '../errors';

/**
 * The file of `epic db export` and `epic db import` (README, "Backups"): JSON lines, read and
 * written as a stream. pg_dump is not part of the embedded server, and this format carries
 * what the CRM needs: the schema version, then each table as a section, then a trailer with
 * the row counts and the SHA-256 of every byte before it, so that a truncated or altered file
 * is refused before anything is written.
 *
 *   ["epic-events-export", 1, {"schema": "<last migration>", "exportedAt": "…"}]
 *   ["table", "clients", ["id", "fullName", …]]
 *   {"id": 1, "fullName": "…", …}                  one object per row, as PostgreSQL wrote it
 *   ["trailer", {"clients": 1, …}, "<sha256 hex>"]
 *
 * Markers are arrays and rows objects, so no column name can be taken for a marker.
 */

const MAGIC = 'epic-events-export';
const FORMAT_VERSION = 1;

export interface ExportHeader {
  schema: string;
  exportedAt: string;
}

export type Counts = Record<string, number>;

/** What an export hands its file, section by section; the export waits for each call. */
export interface ExportSink {
  header(header: ExportHeader): void | Promise<void>;
  table(name: string, columns: string[]): void | Promise<void>;
  /** Rows as PostgreSQL's row_to_json wrote them: written as they are, never re-encoded. */
  rows(lines: string[]): void | Promise<void>;
}

/** What an import receives from a file, in order. */
export type ExportPart =
  | { kind: 'header'; header: ExportHeader }
  | { kind: 'table'; name: string; columns: string[] }
  | { kind: 'rows'; name: string; lines: string[] };

const FLUSH_BYTES = 1 << 20;

const REASONS: Record<string, string> = {
  EEXIST: 'it already exists (an export never overwrites a file)',
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  ELOOP: 'it is a symbolic link',
  EISDIR: 'it is a folder',
};
const reason = (error: unknown) => REASONS[(error as NodeJS.ErrnoException).code ?? ''] ?? (error as Error).message;

/**
 * Creates the file for this user alone (0600) and exclusively: an export never overwrites a
 * file, nor writes through a link planted in its place.
 */
export function createExportFile(file: string, cwd: string): ExportWriter {
  const at = path.resolve(cwd, file);
  let fd: number;
  try {
    fd = fs.openSync(at, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
  } catch (error) {
    throw new ValidationError(undefined, `cannot create ${file}: ${reason(error)}`);
  }
  // The umask can only take bits away; this makes the mode exactly 0600 whatever it is.
  fs.fchmodSync(fd, 0o600);
  return new ExportWriter(at, fd);
}

export class ExportWriter implements ExportSink {
  private readonly hash = crypto.createHash('sha256');
  private readonly counts: Counts = {};
  private current = '';
  private pending: string[] = [];
  private pendingBytes = 0;

  constructor(
    /** Where the file is: removed when the export fails. */
    private readonly at: string,
    private readonly fd: number,
  ) {}

  header(header: ExportHeader): void {
    this.line(JSON.stringify([MAGIC, FORMAT_VERSION, header]));
  }

  table(name: string, columns: string[]): void {
    this.current = name;
    this.counts[name] = 0;
    this.line(JSON.stringify(['table', name, columns]));
  }

  rows(lines: string[]): void {
    this.counts[this.current] += lines.length;
    for (const line of lines) this.line(line);
  }

  /** Writes the trailer, and makes the file durable before saying it is done. */
  finish(): Counts {
    this.write(`${JSON.stringify(['trailer', this.counts, this.hash.digest('hex')])}\n`);
    this.flush();
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    return this.counts;
  }

  /** A failed export leaves no file that could be taken for a backup. */
  abandon(): void {
    fs.closeSync(this.fd);
    fs.rmSync(this.at, { force: true });
  }

  private line(text: string): void {
    const line = `${text}\n`;
    this.hash.update(line);
    this.write(line);
  }

  private write(text: string): void {
    this.pending.push(text);
    this.pendingBytes += text.length;
    if (this.pendingBytes >= FLUSH_BYTES) this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    fs.writeSync(this.fd, this.pending.join(''));
    this.pending = [];
    this.pendingBytes = 0;
  }
}

function damaged(file: string, why: string): ValidationError {
  return new ValidationError(undefined, `${file} is not a complete export of epic: ${why}; nothing was imported`);
}

function marker(file: string, line: string, lineNumber: number): unknown[] {
  try {
    const value = JSON.parse(line);
    if (Array.isArray(value)) return value;
  } catch {
    // said below
  }
  throw damaged(file, `line ${lineNumber} is not what an export holds`);
}

function isTableMarker(value: unknown[]): value is ['table', string, string[]] {
  return value[0] === 'table' && typeof value[1] === 'string' && Array.isArray(value[2]) && value[2].every((c) => typeof c === 'string');
}

/**
 * Reads an export as a stream, in batches of rows; throws before its last part unless the file
 * ends with a trailer whose checksum and counts match what was read. A consumer that writes
 * what it reads in one transaction therefore commits only a whole, unaltered file.
 */
export async function* readExportFile(file: string, cwd: string, batchSize: number): AsyncGenerator<ExportPart> {
  const at = path.resolve(cwd, file);
  let input: fs.ReadStream;
  try {
    const fd = fs.openSync(at, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    if (!fs.fstatSync(fd).isFile()) {
      fs.closeSync(fd);
      throw new ValidationError(undefined, `cannot read ${file}: it is not a plain file`);
    }
    input = fs.createReadStream(at, { fd, encoding: 'utf8' });
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    throw new ValidationError(undefined, `cannot read ${file}: ${reason(error)}`);
  }
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  const hash = crypto.createHash('sha256');
  const counts: Counts = {};
  let lineNumber = 0;
  let table: string | undefined;
  let batch: string[] = [];
  let trailer: unknown[] | undefined;
  try {
    for await (const line of lines) {
      lineNumber++;
      if (trailer) throw damaged(file, `it goes on after its trailer (line ${lineNumber})`);
      if (line.startsWith('{')) {
        if (!table) throw damaged(file, `line ${lineNumber} is a row outside any table`);
        hash.update(`${line}\n`);
        batch.push(line);
        counts[table]++;
        if (batch.length >= batchSize) {
          yield { kind: 'rows', name: table, lines: batch };
          batch = [];
        }
        continue;
      }
      const value = marker(file, line, lineNumber);
      if (value[0] === 'trailer') {
        trailer = value;
        continue;
      }
      hash.update(`${line}\n`);
      if (lineNumber === 1) {
        const header = value[2] as ExportHeader | undefined;
        if (value[0] !== MAGIC || typeof header?.schema !== 'string') throw new ValidationError(undefined, `${file} is not an export of epic`);
        if (value[1] !== FORMAT_VERSION) throw new ValidationError(undefined, `${file} is in export format ${value[1]}, which this version of epic does not read: upgrade epic`);
        yield { kind: 'header', header };
      } else if (isTableMarker(value) && !(value[1] in counts)) {
        if (table && batch.length > 0) yield { kind: 'rows', name: table, lines: batch };
        batch = [];
        table = value[1];
        counts[table] = 0;
        yield { kind: 'table', name: table, columns: value[2] };
      } else {
        throw damaged(file, `line ${lineNumber} is not what an export holds`);
      }
    }
    if (lineNumber === 0) throw new ValidationError(undefined, `${file} is empty`);
    if (!trailer) throw damaged(file, 'it ends before its trailer (was it cut short?)');
    if (trailer[2] !== hash.digest('hex')) throw damaged(file, 'its checksum does not match its content (it was altered or damaged)');
    if (JSON.stringify(trailer[1]) !== JSON.stringify(counts)) throw damaged(file, 'its row counts do not match its content');
    // The last rows are handed over only once the whole file is known to be intact.
    if (table && batch.length > 0) yield { kind: 'rows', name: table, lines: batch };
  } finally {
    lines.close();
    input.destroy();
  }
}

/** Reads the whole file once, as an import will, and throws unless it is a complete, unaltered export. */
export async function verifyExportFile(file: string, cwd: string, batchSize: number): Promise<void> {
  for await (const part of readExportFile(file, cwd, batchSize)) void part;
}
