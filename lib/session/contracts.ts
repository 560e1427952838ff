/**
 * What commands may ask of the session layer: questions to the person at the terminal, and the
 * login state. The shell and one-shot use each provide them (lib/session, lib/shell/prompts.ts).
 */

export interface Prompter {
  readonly interactive: boolean;
  ask(question: string): Promise<string>;
  askSecret(question: string): Promise<string>;
  confirm(question: string): Promise<boolean>;
}

/** The login state, kept in memory by the shell and in a token file by one-shot commands. */
export interface SessionControl {
  login(email: string, password: string): Promise<LoginOutcome>;
  logout(): Promise<void>;
  collaboratorId(): number | undefined;
}

export interface LoginOutcome {
  fullName: string;
  role: string;
  mustChangePassword: boolean;
}
