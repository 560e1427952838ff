import fs from 'node:fs';
import path from 'node:path';

/** Lines kept per history, in memory and on disk: a day of work, many times over. */
export const HISTORY_LINES = 500;

/**
 * The shell's command history: the lines Up and Down bring back, one private file per
 * collaborator. It is the history object vorpal draws from (vorpal makes it through its
 * `CmdHistoryExtension` and calls `newCommand`, `getPreviousHistory` and `getNextHistory`),
 * and the shell's own: it switches to another collaborator's lines when someone else logs in,
 * and never takes a line the shell does not keep (a password typed where a command goes), in
 * memory or on disk.
 *
 * A file holds the lines as a JSON array, named `cmd_history_<name>`: the file vorpal's own
 * history wrote, so the history of earlier versions is still there.
 */
export class CommandHistory {
  private lines: string[] = [];
  /** How many lines back Up has gone from the newest; 0 is the line being typed. */
  private back = 0;
  private file: string | undefined;
  private keeps: (line: string) => boolean = () => true;

  /** Switches to the history named `name`, kept in the folder `dir` (which the caller made private), of the lines `keeps` accepts. */
  use(dir: string, name: string, keeps: (line: string) => boolean): void {
    this.file = path.join(dir, `cmd_history_${encodeURIComponent(name)}`);
    this.lines = readLines(this.file);
    this.back = 0;
    this.keeps = keeps;
  }

  /** Called by vorpal when a line is submitted; a line equal to the one before is not added again. */
  newCommand(line: string): void {
    this.back = 0;
    if (!this.keeps(line) || this.lines[this.lines.length - 1] === line) return;
    this.lines.push(line);
    if (this.lines.length > HISTORY_LINES) this.lines.splice(0, this.lines.length - HISTORY_LINES);
    this.save();
  }

  /** Called by vorpal on Up: the line before the one shown, or the oldest. */
  getPreviousHistory(): string | undefined {
    this.back = Math.min(this.back + 1, this.lines.length);
    return this.lines[this.lines.length - this.back];
  }

  /** Called by vorpal on Down: the line after the one shown, or an empty line past the newest. */
  getNextHistory(): string {
    this.back = Math.max(this.back - 1, 0);
    return this.back === 0 ? '' : this.lines[this.lines.length - this.back];
  }

  private save(): void {
    if (this.file) fs.writeFileSync(this.file, JSON.stringify(this.lines), { mode: 0o600 });
  }
}

/** The lines of a history file; none when it is missing or not a list of lines. */
function readLines(file: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
  return Array.isArray(parsed) ? parsed.filter((line): line is string => typeof line === 'string').slice(-HISTORY_LINES) : [];
}
