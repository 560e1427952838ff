import { quoted, UsageError } from '../errors';
import type { TextBlock } from '../output/render';
import { session } from './declare';
import { optionsOf, typedName, usageOf } from './options';
import type { CommandSpec } from './types';

function detail(spec: CommandSpec): TextBlock[] {
  const options = optionsOf(spec).map((o) => `  --${o.name}${o.type === 'string' ? ` <${o.placeholder ?? o.name}>` : ''}`.padEnd(34) + o.summary);
  return [{ heading: typedName(spec), lines: [spec.summary, `usage: ${usageOf(spec)}`] }, ...(options.length ? [{ heading: 'options', lines: options }] : [])];
}

/** The verbs of one noun (`client`), as `epic client` alone shows them. */
export function verbsOf(noun: string, available: CommandSpec[]): string {
  const specs = available.filter((s) => s.name.startsWith(`${noun} `));
  const width = Math.max(...specs.map((s) => s.name.length)) + 2;
  return [...specs.map((s) => `  ${s.name.padEnd(width)}${s.summary}`), '', `help ${noun} explains them.`].join('\n');
}

/** Lists only what the current user may run, grouped by noun. */
export const help = session('always', {
  name: 'help',
  summary: 'list the commands you may run, or explain one',
  args: [{ name: 'command', required: false, rest: true }],
  run: async (ctx, { args }) => {
    const available = ctx.commands();
    const topic = args.command;
    if (topic) {
      const matches = available.filter((s) => s.name === topic || s.name.startsWith(`${topic} `));
      if (matches.length === 0) throw new UsageError(`no command ${quoted(topic)} available to you; type help`);
      return { text: matches.flatMap(detail) };
    }
    const groups = new Map<string, CommandSpec[]>();
    for (const spec of available) {
      // A permitted command goes with the noun of its action: `activity` with the collaborators.
      const { availability } = spec;
      const noun =
        availability.when === 'system-shell' ? 'from the system shell' : availability.when === 'permitted' ? availability.action.split('.')[0] : spec.name.includes(' ') ? spec.name.split(' ')[0] : 'session';
      groups.set(noun, [...(groups.get(noun) ?? []), spec]);
    }
    const width = Math.max(...available.map((s) => typedName(s).length)) + 2;
    const blocks: TextBlock[] = [...groups].map(([noun, specs]) => ({ heading: noun, lines: specs.map((s) => `  ${typedName(s).padEnd(width)}${s.summary}`) }));
    blocks.push({ lines: ['help <command> explains one; names with spaces need no quotes; Tab completes.'] });
    return { text: blocks };
  },
});
