import { UsageError } from '../errors';
import { text } from './shared';
import type { CommandContext, Input } from './types';

/** A required option: asked for on a terminal when missing, a usage error elsewhere (SPEC §6). */
export async function askIfMissing(ctx: CommandContext, input: Input, option: string, question: string): Promise<string> {
  const given = text(input, option);
  if (given !== undefined) return given;
  if (!ctx.prompt.interactive) throw new UsageError(`missing --${option}`);
  return ctx.prompt.ask(`${question}: `);
}

/**
 * A password for someone else's account (create, reset-password): from standard input with
 * --password-stdin, typed twice at a masked prompt, or, left empty, generated.
 */
export async function oneTimePassword(ctx: CommandContext, input: Input): Promise<string | undefined> {
  if (input.options['password-stdin']) return (await ctx.stdinLines(1))[0];
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
export async function ownPassword(ctx: CommandContext, input: Input, why: string): Promise<string> {
  if (input.options['password-stdin']) return (await ctx.stdinLines(1))[0];
  if (!ctx.prompt.interactive) throw new UsageError(`${why} needs your own password: give --password-stdin`);
  return ctx.prompt.askSecret(`Your own password (${why}): `);
}
