/**
 * What both benchmarks need: a private data folder on the embedded database, the demo data
 * loaded and a salesperson logged in, and the median time of repeated one-shot commands.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const EPIC = path.join(path.resolve(__dirname, '..'), 'bin', 'epic.js');

export function benchUser(name: string) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), `${name}-`));
  const env = { ...process.env, EPIC_DATA_DIR: path.join(home, 'data'), XDG_CONFIG_HOME: path.join(home, 'config'), EPIC_DB_IDLE_MINUTES: '2', DATABASE_URL: '', SENTRY_DSN: '' };

  const epic = (args: string[], input?: string): void => {
    const result = spawnSync(process.execPath, [EPIC, ...args], { env, input, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`epic ${args.join(' ')} failed: ${result.stderr}`);
  };

  /** Median wall time, in seconds, of `runs` runs of a command, which must exit with `expectedCode`. */
  const median = (command: string[], runs: number, expectedCode = 0): number => {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = process.hrtime.bigint();
      const result = spawnSync(command[0], command.slice(1), { env, stdio: ['ignore', 'ignore', 'pipe'] });
      times.push(Number(process.hrtime.bigint() - start) / 1e9);
      if (result.status !== expectedCode) throw new Error(`${command.join(' ')} exited with ${result.status}: ${result.stderr}`);
    }
    return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
  };

  return {
    dataDir: env.EPIC_DATA_DIR,
    /** The demo data, and its salesperson Hugo Bernard logged in for one-shot commands. */
    loadDemo(): void {
      epic(['db', 'demo']);
    },
    logInAsSales(): void {
      epic(['login', 'hugo.bernard@epic-events.fr', '--password-stdin'], 'copper-meadow-falcon-17\n');
      // Demo accounts must choose their own password first.
      epic(['passwd', '--password-stdin'], 'copper-meadow-falcon-17\nbench-only ember-lighthouse-2026\n');
    },
    epic,
    median,
    cleanUp(): void {
      spawnSync(process.execPath, [EPIC, 'db', 'stop', '--force'], { env, stdio: 'ignore' });
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}
