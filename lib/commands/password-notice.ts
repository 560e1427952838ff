/** The one time a generated password is ever shown: on standard error, never in data output. */
export function announcePassword(done: string, generated: string | undefined): string {
  if (!generated) return `${done}. They must choose a new password at their next login.`;
  return `${done}. One-time password (shown only now): ${generated}\nThey must choose a new password at their next login.`;
}
