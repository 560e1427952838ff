import { UsageError } from '../errors';
import type { CommandContext } from './types';

/** A required option: asked for on a terminal when missing, a usage error elsewhere. */
export async function askIfMissing(ctx: CommandContext, given: string | undefined, option: string, question: string): Promise<string> {
  if (given !== undefined) return given;
  if (!ctx.prompt.interactive) throw new UsageError(`missing --${option}`);
  return ctx.prompt.ask(`${question}: `);
}

/**
 * A password for someone else's account (create, reset-password): from standard input with
 * --password-stdin, typed twice at a masked prompt, or, left empty, generated.
 */
export async function oneTimePassword(ctx: CommandContext, fromStdin: boolean): Promise<string | undefined> {
  if (fromStdin) return (await ctx.stdinLines(1))[0];
  if (!ctx.prompt.interactive) return undefined;
  const first = await ctx.prompt.askSecret('One-time password (leave empty to generate one): ');
  if (first === '') return undefined;
  if ((await ctx.prompt.askSecret('Again: ')) !== first) throw new UsageError('the two passwords differ');
  return first;
}

/**
 * The acting manager's own password, asked again before a sensitive change (a role, a manager's
 * password): masked at a terminal, or the next line of standard input with --password-stdin.
 */
export async function ownPassword(ctx: CommandContext, fromStdin: boolean, why: string): Promise<string> {
  if (fromStdin) return (await ctx.stdinLines(1))[0];
  if (!ctx.prompt.interactive) throw new UsageError(`${why} needs your own password: give --password-stdin`);
  return ctx.prompt.askSecret(`Your own password (${why}): `);
}
