import path from 'node:path';
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

/**
 * NO_COLOR also covers what the shell's libraries draw: vorpal and inquirer colour the prompt's
 * default and the typed line once submitted with their own copy of chalk 1, which only checks
 * FORCE_COLOR and --no-color. Their chalk is switched off here.
 */
export function turnOffLibraryColour(): void {
  for (const library of ['vorpal', 'inquirer']) {
    let chalkFile: string;
    try {
      const from = path.dirname(require.resolve(`${library}/package.json`, { paths: [path.dirname(require.resolve('vorpal/package.json'))] }));
      chalkFile = require.resolve('chalk', { paths: [from] });
    } catch {
      continue;
    }
    (require(chalkFile) as { enabled: boolean }).enabled = false;
  }
}
