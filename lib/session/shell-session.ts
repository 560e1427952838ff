import type { App } from '../app';
import type { LoginOutcome, Prompter } from '../commands/types';
import { NotLoggedIn } from '../errors';
import { Collaborator } from '../../models';
import { authenticate, recheckPassword } from '../services/auth';
import type { SessionBackend } from './backend';

/**
 * The REPL's session, in memory (SPEC §5): after EPIC_IDLE_MINUTES without a command the next
 * one asks for the password again (a wrong one counts as a failed login); after
 * EPIC_SESSION_HOURS the session ends.
 */
export class ShellSession implements SessionBackend {
  private current?: { id: number; role: Collaborator['role']; fullName: string; since: number; lastCommand: number };

  constructor(
    private readonly app: App,
    private readonly prompt: Prompter,
  ) {}

  private get clock() {
    return this.app.clock;
  }

  private get settings() {
    return this.app.settings;
  }

  private deps = async () => ({ sequelize: await this.app.db(), clock: this.app.clock, settings: this.app.settings });

  async login(email: string, password: string): Promise<LoginOutcome> {
    const who = await authenticate(await this.deps(), email, password);
    const now = this.clock.now().getTime();
    this.current = { id: who.id, role: who.role, fullName: who.fullName, since: now, lastCommand: now };
    return { fullName: who.fullName, role: who.role, mustChangePassword: who.mustChangePassword };
  }

  async logout(): Promise<void> {
    this.current = undefined;
  }

  collaboratorId(): number | undefined {
    return this.current?.id;
  }

  tokenHash(): undefined {
    return undefined;
  }

  role(): Collaborator['role'] | undefined {
    return this.current?.role;
  }

  mayBeLoggedIn(): boolean {
    return this.current !== undefined;
  }

  fullName(): string | undefined {
    return this.current?.fullName;
  }

  /** Whether the next command will ask for the password again. */
  isIdle(): boolean {
    return this.current !== undefined && this.clock.now().getTime() - this.current.lastCommand >= this.settings.idleMinutes * 60_000;
  }

  async actor(): Promise<Collaborator> {
    const session = this.current;
    if (!session) throw new NotLoggedIn('not logged in: type login');
    const now = this.clock.now().getTime();
    if (now - session.since >= this.settings.sessionHours * 3_600_000) {
      this.current = undefined;
      throw new NotLoggedIn(`your session is over after ${this.settings.sessionHours} hours: log in again`);
    }
    if (now - session.lastCommand >= this.settings.idleMinutes * 60_000) {
      const password = await this.prompt.askSecret(`Locked after ${this.settings.idleMinutes} idle minutes. Password: `);
      await recheckPassword(await this.deps(), session.id, password);
    }
    const collaborator = await Collaborator.findByPk(session.id);
    if (!collaborator) {
      this.current = undefined;
      throw new NotLoggedIn('your account no longer exists');
    }
    session.lastCommand = now;
    session.role = collaborator.role;
    session.fullName = collaborator.fullName;
    return collaborator;
  }
}
