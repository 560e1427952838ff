import type { Sequelize } from 'sequelize-typescript';
import { systemClock, type Clock } from './clock';
import type { Config } from './config';
import { embeddedStatus } from './db/embedded';
import { openDatabase } from './db/open';
import { localReporter, type Reporter } from './reporting/reporter';
import { cryptoTokens, type TokenSource } from './services/settings';

/** What every entry point shares: configuration, time, randomness, the database and error reporting. */
export interface App {
  config: Config;
  clock: Clock;
  tokens: TokenSource;
  reporter: Reporter;
  /** Opened on first use, so that `help` or `--version` never wait for a database. */
  db(): Promise<Sequelize>;
  close(): Promise<void>;
}

export interface AppOptions {
  keepAlive?: boolean;
  clock?: Clock;
  tokens?: TokenSource;
  reporter?: Reporter;
}

export function createApp(config: Config, options: AppOptions = {}): App {
  let opening: Promise<Sequelize> | undefined;
  const reporter = options.reporter ?? localReporter(config.dataDir);
  return {
    config,
    clock: options.clock ?? systemClock,
    tokens: options.tokens ?? cryptoTokens,
    reporter,
    db() {
      // An open shell outlives the embedded server (`epic db stop`, the idle watchdog): its
      // next command starts the server again on a new pool rather than using dead connections.
      if (opening && !config.databaseUrl && !embeddedStatus(config.dataDir).running) {
        const stale = opening;
        opening = undefined;
        stale.then((sequelize) => sequelize.close()).catch(() => undefined);
      }
      opening ??= openDatabase(config, { keepAlive: options.keepAlive }).then(
        (sequelize) => {
          reporter.watchModels?.();
          return sequelize;
        },
        (error) => {
          opening = undefined;
          throw error;
        },
      );
      return opening;
    },
    async close() {
      const pending = opening;
      opening = undefined;
      if (pending) await (await pending.catch(() => undefined))?.close();
    },
  };
}
