import path from 'node:path';

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
