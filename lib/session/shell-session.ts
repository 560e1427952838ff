import type { App } from '../app';
import type { LoginOutcome, Prompter } from './contracts';
import { inTransaction, type ServiceContext } from '../db/context';
import { NotLoggedIn } from '../errors';
import type { Role } from '../roles';
import { closeSession, inSession, SessionUnusable, type SessionActor, type SessionOptions } from '../services/sessions';
import { readPolicy, type SecurityPolicy } from '../services/settings';
import { logInFor, type SessionBackend } from './backend';
import { plural } from '../output/plural';

export const SESSION_ENDED = 'session ended: log in again';

interface Current {
  token: string;
  /** As typed at login: asked again with the password when the session is idle. */
  email: string;
  actor: SessionActor;
  policy: SecurityPolicy;
}

/**
 * The REPL's session: a sessions row like one-shot use, its token kept in memory only. The
 * database judges it at every command: idle (the password is asked again, and a fresh session
 * continues), past its hours, or ended elsewhere (passwd, reset-password, a role change, a
 * deletion, logout), which logs the shell out.
 */
export class ShellSession implements SessionBackend {
  private current?: Current;

  constructor(
    private readonly app: App,
    private readonly prompt: Prompter,
  ) {}

  async login(email: string, password: string): Promise<LoginOutcome> {
    const { token, actor, policy } = await logInFor(this.app, email, password);
    this.current = { token, email, actor, policy };
    return { fullName: actor.fullName, role: actor.role, mustChangePassword: actor.mustChangePassword };
  }

  /**
   * Continues a session opened elsewhere, by its token, as a login would have started it. Tests
   * start their shells so where logging in is not what they test: a login is a bcrypt
   * comparison in the database, the costliest query of most test files.
   */
  async resume(token: string, email: string): Promise<void> {
    let actor: SessionActor | undefined;
    const policy = await inSession(await this.app.db(), this.app.clock, token, (found) => (actor = found), (ctx) => readPolicy(ctx));
    this.current = { token, email, actor: actor!, policy };
  }

  async logout(): Promise<void> {
    const session = this.current;
    this.current = undefined;
    if (session) await this.close(session.token);
  }

  private async close(token: string): Promise<void> {
    await inTransaction(await this.app.db(), this.app.clock, (tx) => closeSession(tx, token));
  }

  collaboratorId(): number | undefined {
    return this.current?.actor.id;
  }

  role(): Role | undefined {
    return this.current?.actor.role;
  }

  mayBeLoggedIn(): boolean {
    return this.current !== undefined;
  }

  /** A manager set the password: nothing but `passwd` runs until the collaborator chooses their own. */
  mustChangePassword(): boolean {
    return this.current?.actor.mustChangePassword === true;
  }

  fullName(): string | undefined {
    return this.current?.actor.fullName;
  }

  async learnRole(): Promise<void> {
    // The shell learnt the role at login.
  }

  lastKnownRole(): Role | undefined {
    return this.role();
  }

  async inSession<T>(admit: (actor: SessionActor) => void, work: (ctx: ServiceContext) => Promise<T>, options?: Pick<SessionOptions, 'readsOnly'>): Promise<T> {
    for (let unlocked = false; ; unlocked = true) {
      const session = this.current;
      if (!session) throw new NotLoggedIn('not logged in: type login');
      try {
        const sequelize = await this.app.db();
        return await inSession(sequelize, this.app.clock, session.token, (actor) => {
          session.actor = actor;
          admit(actor);
        }, work, options);
      } catch (error) {
        if (!(error instanceof SessionUnusable)) throw error;
        if (error.status === 'idle' && !unlocked) {
          await this.unlock(session);
          continue;
        }
        this.current = undefined;
        throw new NotLoggedIn(error.status === 'expired' ? `your session is over after ${session.policy.sessionHours} hours: log in again` : SESSION_ENDED);
      }
    }
  }

  /** Idle: the password again (a wrong one is a failed login, counted), then a fresh session. */
  private async unlock(session: Current): Promise<void> {
    const password = await this.prompt.askSecret(`Locked after ${idleMinutes(session.policy.idleMinutes)}. Password: `);
    const fresh = await logInFor(this.app, session.email, password);
    await this.close(session.token);
    if (fresh.actor.id !== session.actor.id) {
      // The email now names someone else: this shell's collaborator is gone.
      this.current = undefined;
      await this.close(fresh.token);
      throw new NotLoggedIn(SESSION_ENDED);
    }
    this.current = { ...session, token: fresh.token, actor: fresh.actor, policy: fresh.policy };
  }

  /** A read as the logged-in collaborator that never asks anything (completion): fails when the session is not usable. */
  async read<T>(work: (ctx: ServiceContext) => Promise<T>): Promise<T> {
    const session = this.current;
    if (!session) throw new NotLoggedIn('not logged in');
    return inSession(await this.app.db(), this.app.clock, session.token, () => undefined, work, { readsOnly: true });
  }
}

/** "1 idle minute", "30 idle minutes". */
export function idleMinutes(count: number): string {
  return plural(count, 'idle minute');
}
