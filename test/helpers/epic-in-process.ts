import { main } from '../../lib/cli';
import { epicUser, withErrorLog, type EpicResult } from './epic';
import { memoryIO } from './io';

/**
 * Commands of a user of the binary (helpers/epic.ts), run by `main` in this process on
 * in-memory streams with the user's environment and folder: what `epic` prints, exits with and
 * writes for given arguments, standard input and environment, without a process (0.3 to 0.7 s
 * of CPU each). `main` reads and writes only through its streams (test/streams.test.ts), so the
 * answers are the binary's; what the binary adds around `main` (the bundle, --version, the warm
 * process, the process's environment and exit) is tested through epicUser, in
 * test/epic-binary.test.ts and the files that need a real process. The time zone is this
 * process's, not the user's TZ: tests of local times use the binary.
 */
export function runInProcess(user: { home: string; env: Record<string, string> }) {
  /** moreEnv adds to the user's environment; a variable given as undefined is left out. */
  return async (args: string[], input = '', moreEnv: Record<string, string | undefined> = {}): Promise<EpicResult> => {
    const env = Object.fromEntries(Object.entries({ ...user.env, ...moreEnv }).filter((entry): entry is [string, string] => entry[1] !== undefined));
    const { io, stdout, stderr } = memoryIO({ input, env, cwd: user.home });
    const code = await main(args, io);
    // What the streams received is passed on to their readers in the next ticks.
    await new Promise((resolve) => setImmediate(resolve));
    return { code, stdout: stdout.text(), stderr: withErrorLog(user.env, stderr.text()) };
  };
}

/** A user as epicUser makes one (the same folders and environment), whose commands run in this process. */
export function epicUserInProcess(databaseUrl: string, extraEnv: Record<string, string> = {}) {
  const user = epicUser(databaseUrl, extraEnv);
  return { ...user, run: runInProcess(user) };
}
