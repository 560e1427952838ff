import chalk from 'chalk';

/**
 * Whether what goes to a stream is coloured: never under NO_COLOR (any value but empty), always
 * under FORCE_COLOR (but 0 or false), and otherwise only on a terminal.
 */
export function colourWanted(env: NodeJS.ProcessEnv, terminal: boolean): boolean {
  if (env.NO_COLOR) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return terminal;
}

/** The one way to colour text: chalk with 16 colours, or chalk that returns text unchanged. */
export function paint(colour: boolean): chalk.Chalk {
  return new chalk.Instance({ level: colour ? 1 : 0 });
}
