import type { Sequelize } from 'sequelize-typescript';
import type { Clock } from '../clock';
import type { LoginOutcome } from '../commands/types';
import { inTransaction } from '../db/context';
import { NotLoggedIn } from '../errors';
import type { Collaborator } from '../../models';
import { authenticate } from '../services/auth';
import { createSession, hashToken, resolveSession, revokeSession, SESSION_EXPIRED } from '../services/sessions';
import type { SecuritySettings, TokenSource } from '../services/settings';
import type { SessionBackend } from './backend';
import { deleteToken, readToken, writeToken } from './token-file';

/** One-shot use from the system shell: the session is a token in a private file (SPEC §5, §7). */
export class TokenSession implements SessionBackend {
  private resolved?: Collaborator;

  constructor(
    private readonly db: () => Promise<Sequelize>,
    private readonly clock: Clock,
    private readonly settings: SecuritySettings,
    private readonly tokens: TokenSource,
    private readonly configDir: string,
  ) {}

  async login(email: string, password: string): Promise<LoginOutcome> {
    const sequelize = await this.db();
    const who = await authenticate({ sequelize, clock: this.clock, settings: this.settings }, email, password);
    const previous = this.safeToken();
    const token = await inTransaction(sequelize, this.clock, async (tx) => {
      if (previous) await revokeSession(tx, previous);
      return createSession(tx, who.id, this.settings, this.tokens);
    });
    writeToken(this.configDir, token);
    this.resolved = who;
    return { fullName: who.fullName, role: who.role, mustChangePassword: who.mustChangePassword };
  }

  /** Deletes the database row first, then the file (SPEC §5). */
  async logout(): Promise<void> {
    const token = this.safeToken();
    if (token) {
      const sequelize = await this.db();
      await inTransaction(sequelize, this.clock, (tx) => revokeSession(tx, token));
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
    const sequelize = await this.db();
    this.resolved = await inTransaction(sequelize, this.clock, (tx) => resolveSession(tx, token, this.settings));
    if (!this.resolved) throw new NotLoggedIn(SESSION_EXPIRED);
    return this.resolved;
  }
}
