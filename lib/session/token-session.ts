import type { App } from '../app';
import type { LoginOutcome } from './contracts';
import { inTransaction, type ServiceContext } from '../db/context';
import { NotLoggedIn } from '../errors';
import type { Role } from '../roles';
import { closeSession, inSession, SessionUnusable, type SessionActor, type SessionOptions } from '../services/sessions';
import { logInFor, type SessionBackend } from './backend';
import { checkTokenPath, deleteToken, forgetRoleHint, readRoleHint, readToken, tokenToRevoke, writeRoleHint, writeToken } from './token-file';

export const SESSION_EXPIRED = 'your session has expired: log in again with `epic login`';
export const ONE_SHOT_SESSION_ENDED = 'session ended: log in again with `epic login`';

/** One-shot use from the system shell: the session is a token in a private file; the database judges it at every command. */
export class TokenSession implements SessionBackend {
  private known?: SessionActor;

  constructor(private readonly app: App) {}

  private get configDir(): string {
    return this.app.config.configDir;
  }

  async login(email: string, password: string): Promise<LoginOutcome> {
    checkTokenPath(this.configDir);
    const { token, actor } = await logInFor(this.app, email, password);
    const previous = this.safeToken();
    if (previous) await this.close(previous);
    writeToken(this.configDir, token);
    writeRoleHint(this.configDir, actor.role);
    this.known = actor;
    return { fullName: actor.fullName, role: actor.role, mustChangePassword: actor.mustChangePassword };
  }

  /** Ends the session in the database first, then deletes the file. */
  async logout(): Promise<void> {
    const token = tokenToRevoke(this.configDir);
    if (token) await this.close(token);
    deleteToken(this.configDir);
    this.known = undefined;
  }

  private async close(token: string): Promise<void> {
    await inTransaction(await this.app.db(), this.app.clock, (tx) => closeSession(tx, token));
  }

  collaboratorId(): number | undefined {
    return this.known?.id;
  }

  role(): Role | undefined {
    return this.known?.role;
  }

  lastKnownRole(): Role | undefined {
    return this.known?.role ?? (this.safeToken() ? readRoleHint(this.configDir) : undefined);
  }

  mayBeLoggedIn(): boolean {
    return this.safeToken() !== undefined;
  }

  private safeToken(): string | undefined {
    try {
      return readToken(this.configDir);
    } catch {
      return undefined;
    }
  }

  async learnRole(): Promise<void> {
    await this.inSession(() => undefined, async () => undefined);
  }

  async inSession<T>(admit: (actor: SessionActor) => void, work: (ctx: ServiceContext) => Promise<T>, options?: Pick<SessionOptions, 'readsOnly'>): Promise<T> {
    const token = readToken(this.configDir);
    if (!token) throw new NotLoggedIn('not logged in: run `epic login` first');
    try {
      return await inSession(await this.app.db(), this.app.clock, token, (actor) => {
        if (actor.role !== this.lastKnownRole()) writeRoleHint(this.configDir, actor.role);
        this.known = actor;
        admit(actor);
      }, work, options);
    } catch (error) {
      if (error instanceof SessionUnusable) {
        // help lists the logged-out commands again, as it does after a logout.
        forgetRoleHint(this.configDir);
        throw new NotLoggedIn(error.status === 'ended' ? ONE_SHOT_SESSION_ENDED : SESSION_EXPIRED);
      }
      throw error;
    }
  }
}
