import crypto from 'node:crypto';
import type { Config } from '../config';

/** The security settings services need, taken from the configuration (SPEC §7, §9). */
export interface SecuritySettings {
  bcryptCost: number;
  idleMinutes: number;
  sessionHours: number;
}

export function securitySettings(config: Config): SecuritySettings {
  return { bcryptCost: config.bcryptCost, idleMinutes: config.idleMinutes, sessionHours: config.sessionHours };
}

/** Randomness comes in as a dependency, like time, so that tests can fix it. */
export interface TokenSource {
  /** At least 128 bits, URL-safe. */
  token(bytes?: number): string;
}

export const cryptoTokens: TokenSource = {
  token: (bytes = 32) => crypto.randomBytes(bytes).toString('base64url'),
};
