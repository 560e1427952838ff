import crypto from 'node:crypto';
import { ValidationError } from '../errors';

/** NIST SP 800-63B-4 for a single factor; no composition rules. */
const MIN_PASSWORD_LENGTH = 15;
/** Long enough for any passphrase; a bound so that nobody sends megabytes to be hashed. */
const MAX_PASSWORD_LENGTH = 256;
/** bcrypt reads at most 72 bytes: longer inputs are pre-hashed (see normalisePassword). */
const BCRYPT_MAX_BYTES = 72;
const COMPANY_NAME = 'Epic Events';

let commonPasswords: Set<string> | undefined;

/** The 49,000 most common passwords of zxcvbn-ts, loaded only when a password is chosen. */
function isCommon(password: string): boolean {
  commonPasswords ??= new Set(require('@zxcvbn-ts/language-common/dist/passwords.json.cjs') as string[]);
  const lower = password.toLowerCase();
  if (commonPasswords.has(lower)) return true;
  // A common password said twice or more ("passwordpassword") is no better.
  for (let size = 1; size <= lower.length / 2; size++) {
    if (lower.length % size === 0 && lower.slice(0, size).repeat(lower.length / size) === lower) {
      return size === 1 || commonPasswords.has(lower.slice(0, size)) || size < 4;
    }
  }
  return false;
}

const letters = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

export interface PasswordOwner {
  fullName: string;
  email: string;
}

/** Throws a ValidationError saying which rule the password breaks. */
export function assertPasswordAcceptable(typed: string, owner: PasswordOwner): void {
  const fail = (message: string) => {
    throw new ValidationError('password', message);
  };
  const password = typed.normalize('NFC');
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) fail(`must be at least ${MIN_PASSWORD_LENGTH} characters long`);
  if (length > MAX_PASSWORD_LENGTH) fail(`must be at most ${MAX_PASSWORD_LENGTH} characters long`);
  if (isCommon(password)) fail('is one of the most common passwords');
  const folded = letters(password);
  const [localPart, domain = ''] = owner.email.toLowerCase().split('@');
  const personal = [letters(owner.fullName), ...owner.fullName.split(/\s+/).map(letters), letters(localPart), letters(owner.email)];
  if (personal.some((part) => part.length >= 3 && folded.includes(part))) fail('must not contain your name or email');
  if (folded.includes(letters(COMPANY_NAME)) || (domain.length > 0 && letters(domain.split('.')[0]).length >= 3 && folded.includes(letters(domain.split('.')[0])))) {
    fail(`must not contain the company's name`);
  }
}

/**
 * What PostgreSQL hashes and compares for a typed password (README, "Passwords"):
 *  - the text in Unicode NFC, so that "é" typed as one code point or as "e" + accent is the
 *    same password on every keyboard;
 *  - when that is over bcrypt's 72 bytes, "sha256:" followed by the base64 of its SHA-256
 *    (51 bytes), so that every byte counts and 64 characters of any script fit. The prefix
 *    names the scheme: another one would get another prefix.
 * A password of at most 72 bytes is passed unchanged, so every existing hash stays valid.
 */
export function normalisePassword(typed: string): string {
  const nfc = typed.normalize('NFC');
  if (Buffer.byteLength(nfc, 'utf8') <= BCRYPT_MAX_BYTES) return nfc;
  return `sha256:${crypto.createHash('sha256').update(nfc, 'utf8').digest('base64')}`;
}
