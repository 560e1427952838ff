import { Interrupted, UsageError } from '../errors';
import type { IOStreams } from '../io/streams';
import type { Prompter } from '../session/contracts';

/** A yes/no question, asked the same way in the shell and in one-shot commands; no is the default. */
export const confirmQuestion = (question: string) => `${question} [y/N] `;
export const isYes = (answer: string) => /^y(es)?$/i.test(answer.trim());

/** Questions at the terminal (standard input, asked on standard error) for one-shot commands; the password is masked and never echoed. */
export function terminalPrompter(io: IOStreams): Prompter {
  const { read } = require('read') as typeof import('read');
  const ask = (prompt: string, silent: boolean) =>
    read({ prompt, silent, replace: silent ? '*' : undefined, input: io.stdin, output: io.stderr }).catch((error: Error) => {
      // `read` rejects with "canceled" on Ctrl-C: the user's choice, not a fault.
      if (error.message === 'canceled') {
        io.stderr.write('\n');
        throw new Interrupted();
      }
      throw error;
    });
  return {
    interactive: true,
    ask: (question) => ask(question, false),
    askSecret: (question) => ask(question, true),
    confirm: async (question) => isYes(await ask(confirmQuestion(question), false)),
  };
}

/** Scripts and pipes: nothing is asked, so a command needing an answer says what option to give. */
export const noPrompter: Prompter = {
  interactive: false,
  ask: async (question) => {
    throw new UsageError(`"${question.replace(/[:?]\s*$/, '')}" cannot be asked: standard input is not a terminal`);
  },
  askSecret: async () => {
    throw new UsageError('a password cannot be asked: standard input is not a terminal (use --password-stdin)');
  },
  confirm: async () => false,
};
