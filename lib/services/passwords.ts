import bcrypt from 'bcrypt';
import { ValidationError } from '../errors';

/** SPEC §7: NIST SP 800-63B-4 for a single factor; no composition rules. */
const MIN_PASSWORD_LENGTH = 15;
const MAX_PASSWORD_BYTES = 72;
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
export function assertPasswordAcceptable(password: string, owner: PasswordOwner): void {
  const fail = (message: string) => {
    throw new ValidationError('password', message);
  };
  if ([...password].length < MIN_PASSWORD_LENGTH) fail(`must be at least ${MIN_PASSWORD_LENGTH} characters long`);
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    fail(`must be at most ${MAX_PASSWORD_BYTES} bytes (bcrypt ignores anything longer); accented letters and emoji count as 2 to 4`);
  }
  if (isCommon(password)) fail('is one of the most common passwords');
  const folded = letters(password);
  const [localPart, domain = ''] = owner.email.toLowerCase().split('@');
  const personal = [letters(owner.fullName), ...owner.fullName.split(/\s+/).map(letters), letters(localPart), letters(owner.email)];
  if (personal.some((part) => part.length >= 3 && folded.includes(part))) fail('must not contain your name or email');
  if (folded.includes(letters(COMPANY_NAME)) || (domain.length > 0 && letters(domain.split('.')[0]).length >= 3 && folded.includes(letters(domain.split('.')[0])))) {
    fail(`must not contain the company's name`);
  }
}

export function hashPassword(password: string, cost: number): Promise<string> {
  return bcrypt.hash(password, cost);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  // bcrypt would compare only the first 72 bytes: a longer password can never be right.
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) return bcrypt.compare('', hash).then(() => false);
  return bcrypt.compare(password, hash);
}

export function hashCost(hash: string): number {
  return bcrypt.getRounds(hash);
}

const dummyHashes = new Map<number, Promise<string>>();

/** Compared against when the email is unknown, so that both failures take the same time. */
export function dummyHash(cost: number): Promise<string> {
  let hash = dummyHashes.get(cost);
  if (!hash) {
    hash = bcrypt.hash('not a real password, only spends the time', cost);
    dummyHashes.set(cost, hash);
  }
  return hash;
}
