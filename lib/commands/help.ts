import { quoted, UsageError } from '../errors';
import type { TextBlock } from '../output/render';
import { optionsOf, usageOf } from './options';
import type { CommandSpec } from './types';

function detail(spec: CommandSpec): TextBlock[] {
  const options = optionsOf(spec).map((o) => `  --${o.name}${o.type === 'string' ? ` <${o.placeholder ?? o.name}>` : ''}`.padEnd(34) + o.summary);
  return [{ heading: spec.name, lines: [spec.summary, `usage: ${usageOf(spec)}`] }, ...(options.length ? [{ heading: 'options', lines: options }] : [])];
}

/** Lists only what the current user may run, grouped by noun. */
export const help: CommandSpec = {
  name: 'help',
  summary: 'list the commands you may run, or explain one',
  availability: { when: 'always' },
  args: [{ name: 'command', required: false, rest: true }],
  run: async (ctx, input) => {
    const available = ctx.commands();
    const topic = input.args.command;
    if (topic) {
      const matches = available.filter((s) => s.name === topic || s.name.startsWith(`${topic} `));
      if (matches.length === 0) throw new UsageError(`no command ${quoted(topic)} available to you; type help`);
      return { text: matches.flatMap(detail) };
    }
    const groups = new Map<string, CommandSpec[]>();
    for (const spec of available) {
      // A permitted command goes with the noun of its action: `activity` with the collaborators.
      const noun = spec.availability.when === 'permitted' ? spec.availability.action.split('.')[0] : spec.name.includes(' ') ? spec.name.split(' ')[0] : 'session';
      groups.set(noun, [...(groups.get(noun) ?? []), spec]);
    }
    const width = Math.max(...available.map((s) => s.name.length)) + 2;
    const blocks: TextBlock[] = [...groups].map(([noun, specs]) => ({ heading: noun, lines: specs.map((s) => `  ${s.name.padEnd(width)}${s.summary}`) }));
    blocks.push({ lines: ['help <command> explains one; names with spaces need no quotes; Tab completes.'] });
    return { text: blocks };
  },
};
