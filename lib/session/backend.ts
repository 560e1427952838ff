import type { Collaborator } from '../../models';
import type { SessionControl } from '../commands/types';

/** How the runner learns who is logged in: in memory for the shell, a token file for one-shot use. */
export interface SessionBackend extends SessionControl {
  /** The logged-in collaborator, read afresh from the database; throws NotLoggedIn. */
  actor(): Promise<Collaborator>;
  /** The role known at login, for registering commands; the database stays the authority. */
  role(): Collaborator['role'] | undefined;
  /** Whether someone may be logged in, known without the database (a token file exists, say). */
  mayBeLoggedIn(): boolean;
}
