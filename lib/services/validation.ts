import { quoted, ValidationError } from '../errors';
import { parseRole, type Role } from '../roles';

/**
 * Field rules shared by every service: each returns the clean value or throws a
 * ValidationError naming the field and what is expected, the limit included.
 */

// Control characters would corrupt tables, TSV and terminals; tabs and newlines only in notes.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const CONTROL_OR_NEWLINE = /[\u0000-\u001f\u007f-\u009f]/;
// Bidi embeddings, overrides and isolates reorder what a colleague reads; zero-width characters
// and the BOM hide text (two names that look the same); line and paragraph separators break lines.
const INVISIBLE = /[\u200b-\u200d\ufeff\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

export function text(field: string, value: unknown, max: number, options: { multiline?: boolean } = {}): string {
  if (typeof value !== 'string') throw new ValidationError(field, 'expected text');
  const trimmed = value.trim();
  if (trimmed.length === 0) throw new ValidationError(field, 'must not be empty');
  if ([...trimmed].length > max) throw new ValidationError(field, `must be at most ${max} characters (got ${[...trimmed].length})`);
  if ((options.multiline ? CONTROL : CONTROL_OR_NEWLINE).test(trimmed)) throw new ValidationError(field, 'must not contain control characters');
  if (INVISIBLE.test(trimmed)) throw new ValidationError(field, 'must not contain invisible or text-direction characters (zero-width, bidi controls, line separators)');
  return trimmed;
}

export function optionalText(field: string, value: unknown, max: number, options: { multiline?: boolean } = {}): string | null {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return null;
  return text(field, value, max, options);
}

// Deliberately simple (RFC 5322 in full accepts addresses no mail server does): one @, a dot in the domain.
const EMAIL = /^[^\s@"<>(),;:\\[\]]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i;

export function email(value: unknown, field = 'email'): string {
  const clean = text(field, value, 254).toLowerCase();
  if (!EMAIL.test(clean)) throw new ValidationError(field, `${quoted(clean)} is not a valid email address`);
  return clean;
}

/** Numbers without a country code are taken as French: the company's clients mostly are. */
const DEFAULT_PHONE_REGION = 'FR';

export function phone(value: unknown): string {
  const raw = text('phone', value, 32);
  // The full metadata (to tell valid numbers, not only plausible lengths) loads only when needed.
  const { parsePhoneNumberWithError } = require('libphonenumber-js/max') as typeof import('libphonenumber-js/max');
  try {
    const parsed = parsePhoneNumberWithError(raw, DEFAULT_PHONE_REGION);
    if (parsed.isValid()) return parsed.number;
  } catch {
    /* reported below */
  }
  throw new ValidationError('phone', `${quoted(raw)} is not a valid phone number (for another country than France, start with +)`);
}

/**
 * The digits to look for in stored phone numbers (`+33612345678`) when a search is typed as
 * a phone number, in part or whole: `06 12 34 56 78`, `0612345678`, `+33 6 12`, `06.12`. A
 * leading 0 is the French trunk prefix, written +33 in stored numbers. Undefined when the
 * text is not a phone number.
 */
export function phoneSearchDigits(search: string): string | undefined {
  const typed = search.trim();
  if (!/^\+?[\d\s().-]+$/.test(typed)) return undefined;
  const digits = typed.replace(/\D/g, '');
  if (digits.length < 2) return undefined;
  if (typed.startsWith('+')) return digits;
  if (digits.startsWith('00')) return digits.slice(2);
  return digits.startsWith('0') ? `33${digits.slice(1)}` : digits;
}

/** Money is kept in cents as a bigint while computing, and as a "1234.50" string otherwise. */
export function money(field: string, value: unknown): bigint {
  const raw = typeof value === 'number' ? String(value) : value;
  if (typeof raw !== 'string') throw new ValidationError(field, 'expected an amount in euros, such as 1500 or 1500.50');
  const clean = raw.trim().replace(/[\s€]/g, '').replace(',', '.');
  if (/^-\d/.test(clean)) throw new ValidationError(field, `must be positive (got ${raw.trim()})`);
  const match = /^(\d{1,10})(?:\.(\d{1,2}))?$/.exec(clean);
  if (!match) throw new ValidationError(field, `${quoted(raw)} is not an amount in euros (at most 2 decimals, up to 9,999,999,999.99)`);
  return BigInt(match[1]) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
}

export function cents(amount: string): bigint {
  return money('amount', amount);
}

export function euros(amountInCents: bigint): string {
  const sign = amountInCents < 0n ? '-' : '';
  const abs = amountInCents < 0n ? -amountInCents : amountInCents;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?$/;
const DATE_EXAMPLE = 'a date such as 2026-12-24 or 2026-12-24 18:30';

/**
 * `2026-12-24` or `2026-12-24 18:30`, in local time (TZ). A date that does not exist
 * (2026-02-30) is refused rather than rolled over, and so is a time the clocks skip when
 * they go forward (02:30 on the last Sunday of March in Paris), naming the time zone.
 */
export function dateTime(field: string, value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value !== 'string') throw new ValidationError(field, `expected ${DATE_EXAMPLE}`);
  const raw = value.trim();
  const match = DATE.exec(raw);
  if (!match) throw new ValidationError(field, `"${raw}" is not ${DATE_EXAMPLE}`);
  const [year, month, day, hour, minute] = match.slice(1).map((part) => Number(part ?? 0));
  const calendar = new Date(Date.UTC(year, month - 1, day));
  const exists = calendar.getUTCFullYear() === year && calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day && hour <= 23 && minute <= 59;
  if (!exists) throw new ValidationError(field, `"${raw}" is not ${DATE_EXAMPLE}`);
  const at = new Date(year, month - 1, day, hour, minute);
  if (at.getDate() !== day || at.getHours() !== hour || at.getMinutes() !== minute) {
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    throw new ValidationError(field, `${raw} does not exist in the time zone ${zone}: the clocks skip it (daylight saving time)`);
  }
  return at;
}

export function wholeNumber(field: string, value: unknown, min: number, max: number): number {
  const raw = typeof value === 'number' ? String(value) : value;
  if (typeof raw !== 'string' || !/^\d+$/.test(raw.trim())) throw new ValidationError(field, `expected a whole number from ${min} to ${max}`);
  const number = Number(raw.trim());
  if (number < min || number > max) throw new ValidationError(field, `expected a whole number from ${min} to ${max}`);
  return number;
}

export const NAME_MAX = 120;

export interface CollaboratorFields {
  fullName: string;
  email: string;
  role: Role;
}

export function validateCollaboratorFields(input: { fullName: unknown; email: unknown; role: unknown }): CollaboratorFields {
  if (typeof input.role !== 'string') throw new ValidationError('role', 'expected management, sales or support');
  return { fullName: text('name', input.fullName, NAME_MAX), email: email(input.email), role: parseRole(input.role) };
}

/**
 * `%`, `_` and `\` typed in a search match themselves: a search is plain text, never a pattern.
 * So do their full-width and small forms (％ ＿ ＼ ﹪ ﹨ ∖), which the database's folding
 * (`unaccent`) turns into them after this escaping: escaped, they fold into an escaped one.
 */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_％＿＼﹪﹨∖]/g, (c) => `\\${c}`);
}
