import type { App } from '../app';
import type { SessionControl } from './contracts';
import type { ServiceContext } from '../db/context';
import type { Role } from '../roles';
import { logIn, type LoggedIn } from '../services/auth';
import type { SessionActor, SessionOptions } from '../services/sessions';

/** How the runner runs a command as someone: a token in memory for the shell, in a file for one-shot use. */
export interface SessionBackend extends SessionControl {
  /**
   * One transaction as the logged-in collaborator: the database resolves the session inside it,
   * `admit` checks the actor it found (fresh role included), then the work runs.
   */
  inSession<T>(admit: (actor: SessionActor) => void, work: (ctx: ServiceContext) => Promise<T>, options?: Pick<SessionOptions, 'readsOnly'>): Promise<T>;
  /** The role known without a query (the shell's login), for registering commands and refusing early. */
  role(): Role | undefined;
  /** Whether someone may be logged in, known without the database (a token file exists, say). */
  mayBeLoggedIn(): boolean;
  /** Asks the database who is logged in when nothing is known yet (one-shot `help`). */
  learnRole(): Promise<void>;
  /**
   * The role an earlier command found, when `role()` is not known yet (one-shot use): enough to
   * list commands and to go on with a command it permits, never to refuse one.
   */
  lastKnownRole(): Role | undefined;
}

/** Logs in through the database; a refused login to a locked account is reported as a warning. */
export async function logInFor(app: App, email: string, password: string): Promise<LoggedIn> {
  return logIn({ sequelize: await app.db(), clock: app.clock }, email, password, (collaboratorId) =>
    app.reporter.warn?.('account locked after failed logins', collaboratorId === null ? {} : { collaborator_id: String(collaboratorId) }),
  );
}
