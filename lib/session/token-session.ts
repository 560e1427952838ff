import type { App } from '../app';
import type { LoginOutcome } from '../commands/types';
import { inTransaction } from '../db/context';
import { NotLoggedIn } from '../errors';
import type { Collaborator } from '../../models';
import { authenticate } from '../services/auth';
import { createSession, hashToken, resolveSession, revokeSession, SESSION_EXPIRED } from '../services/sessions';
import type { SessionBackend } from './backend';
import { deleteToken, readToken, writeToken } from './token-file';

/** One-shot use from the system shell: the session is a token in a private file (SPEC §5, §7). */
export class TokenSession implements SessionBackend {
  private resolved?: Collaborator;

  constructor(private readonly app: App) {}

  private get configDir(): string {
    return this.app.config.configDir;
  }

  async login(email: string, password: string): Promise<LoginOutcome> {
    const { app } = this;
    const sequelize = await app.db();
    const who = await authenticate({ sequelize, clock: app.clock, settings: app.settings }, email, password);
    const previous = this.safeToken();
    const token = await inTransaction(sequelize, app.clock, async (tx) => {
      if (previous) await revokeSession(tx, previous);
      return createSession(tx, who.id, app.settings, app.tokens);
    });
    writeToken(this.configDir, token);
    this.resolved = who;
    return { fullName: who.fullName, role: who.role, mustChangePassword: who.mustChangePassword };
  }

  /** Deletes the database row first, then the file (SPEC §5). */
  async logout(): Promise<void> {
    const token = this.safeToken();
    if (token) {
      await inTransaction(await this.app.db(), this.app.clock, (tx) => revokeSession(tx, token));
    }
    deleteToken(this.configDir);
    this.resolved = undefined;
  }

  collaboratorId(): number | undefined {
    return this.resolved?.id;
  }

  tokenHash(): string | undefined {
    const token = this.safeToken();
    return token && hashToken(token);
  }

  role(): Collaborator['role'] | undefined {
    return this.resolved?.role;
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

  async actor(): Promise<Collaborator> {
    const token = readToken(this.configDir);
    if (!token) throw new NotLoggedIn('not logged in: run `epic login` first');
    this.resolved = await inTransaction(await this.app.db(), this.app.clock, (tx) => resolveSession(tx, token, this.app.settings));
    if (!this.resolved) throw new NotLoggedIn(SESSION_EXPIRED);
    return this.resolved;
  }
}
