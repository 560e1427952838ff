/**
 * Personal data must never leave in an error report: no password, hash, token,
 * email, phone number or client name. Text is scrubbed by pattern; structured fields are kept
 * only when they are on an allow-list of things this code itself puts there.
 */

const PATTERNS: [RegExp, string][] = [
  [/\$2[abxy]\$\d{2}\$[./A-Za-z0-9]{53}/g, '[hash]'],
  [/[^\s@"'<>()]+@[^\s@"'<>()]+\.[A-Za-z]{2,}/g, '[email]'],
  [/"[^"]*"|'[^']*'|«[^»]*»|“[^”]*”/g, '"[redacted]"'],
  [/=\([^)]*\)/g, '=([redacted])'],
  [/\+?\d[\d .\-()]{6,}\d/g, '[number]'],
  [/\b[A-Za-z0-9_-]{24,}\b/g, '[token]'],
  // Two or more capitalised words in a row read as a person's or a company's name.
  [/\p{Lu}[\p{Ll}'’-]+(?:\s+\p{Lu}[\p{Ll}'’-]+)+/gu, '[name]'],
];

function scrubText(text: string): string {
  return PATTERNS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

/** Tag and extra keys this code sets; everything else is dropped. */
const SAFE_KEYS = new Set(['actor_id', 'actor_role', 'collaborator_id', 'role', 'contract_id', 'changed_fields', 'model', 'fields', 'how', 'failed_logins']);

function keepSafe(record: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!record) return undefined;
  const kept = Object.entries(record).filter(([key]) => SAFE_KEYS.has(key));
  return kept.length ? Object.fromEntries(kept.map(([key, value]) => [key, typeof value === 'string' ? scrubText(value) : value])) : undefined;
}

interface ScrubbableEvent {
  message?: string;
  logentry?: { message?: string; formatted?: string; params?: unknown[] };
  exception?: { values?: { value?: string; stacktrace?: { frames?: { vars?: unknown }[] } }[] };
  breadcrumbs?: ScrubbableBreadcrumb[];
  tags?: Record<string, unknown>;
  extra?: Record<string, unknown>;
  contexts?: Record<string, unknown>;
  user?: unknown;
  request?: unknown;
  server_name?: string;
}

interface ScrubbableBreadcrumb {
  message?: string;
  data?: Record<string, unknown>;
  category?: string;
}

const SAFE_CONTEXTS = ['os', 'runtime', 'app', 'device', 'trace'];

interface Described {
  code?: unknown;
  parent?: { code?: unknown; constraint?: unknown };
  original?: { code?: unknown; constraint?: unknown };
  constraint?: unknown;
  cause?: unknown;
}

const IDENTIFIER = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * What an error is, without its message: its code (a SQLSTATE, an errno code) and the
 * constraint it names. Messages are free text that can hold any value typed (a name in
 * lower case, a single word) that no pattern recognises.
 */
export function describeError(error: unknown): string {
  const e = (error ?? {}) as Described;
  const code = e.parent?.code ?? e.original?.code ?? e.code;
  const constraint = e.parent?.constraint ?? e.original?.constraint ?? e.constraint;
  const parts = [
    typeof code === 'string' && IDENTIFIER.test(code) ? `code ${code}` : undefined,
    typeof constraint === 'string' && IDENTIFIER.test(constraint) ? `constraint ${constraint}` : undefined,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : '(message withheld)';
}

/**
 * `original` is the error captured (Sentry's hint.originalException): each exception value,
 * from the outermost error inwards through `cause`, keeps its class and gets a description in
 * place of its message.
 */
export function scrubEvent<E extends ScrubbableEvent>(event: E, original?: unknown): E {
  if (event.message) event.message = scrubText(event.message);
  if (event.logentry) event.logentry = { message: scrubText(event.logentry.message ?? event.logentry.formatted ?? '') };
  // Sentry lists the innermost cause first and the captured error last.
  const values = [...(event.exception?.values ?? [])].reverse();
  let error: unknown = original;
  for (const value of values) {
    value.value = describeError(error);
    error = (error as Described | undefined)?.cause;
    for (const frame of value.stacktrace?.frames ?? []) delete frame.vars;
  }
  event.breadcrumbs = event.breadcrumbs?.map((crumb) => scrubBreadcrumb(crumb)).filter((crumb): crumb is ScrubbableBreadcrumb => crumb !== null);
  event.tags = keepSafe(event.tags) as E['tags'];
  event.extra = keepSafe(event.extra) as E['extra'];
  if (event.contexts) {
    event.contexts = Object.fromEntries(Object.entries(event.contexts).filter(([key]) => SAFE_CONTEXTS.includes(key)));
    const device = event.contexts.device as Record<string, unknown> | undefined;
    if (device) delete device.name;
  }
  delete event.user;
  delete event.request;
  delete event.server_name;
  return event;
}

export function scrubBreadcrumb<B extends ScrubbableBreadcrumb>(crumb: B): B | null {
  // Console output is client data on screen; SQL breadcrumbs may carry the values typed.
  if (crumb.category === 'console' || crumb.category?.startsWith('db')) return null;
  if (crumb.message) crumb.message = scrubText(crumb.message);
  crumb.data = keepSafe(crumb.data);
  return crumb;
}
