// Help generated from the command table: usage lines, `jcb <command> --help`, and the entries Slack renders.
import { COMMANDS, COMMANDS_BY_NAME, HELP_OPTION, offeredOn, type CommandSpec, type OptionSpec } from './commands.js';

/** The face a text is for: the terminal (`jcb ...`) or Slack (`/jcb ...`). */
export type HelpFace = 'terminal' | 'slack';

/** The program as typed on a face. */
export const PROGRAM: Record<HelpFace, string> = { terminal: 'jcb', slack: '/jcb' };

function optionsOn(spec: CommandSpec, face: HelpFace): OptionSpec[] {
  return spec.options.filter((o) => offeredOn(o.faces, face));
}

function flagOf(o: OptionSpec): string {
  return `--${o.name}${o.value ? ` ${o.value}` : ''}`;
}

/** Commands offered on `face`, in the table's order. */
export function commandsOn(face: HelpFace): CommandSpec[] {
  return COMMANDS.filter((c) => offeredOn(c.faces, face));
}

/** `run <task> <model> [<doc-id>|random|all] [--shot one|zero] [--json]`, without the program. */
export function usageLine(name: string, face: HelpFace = 'terminal'): string {
  const spec = COMMANDS_BY_NAME.get(name)!;
  const positionals = spec.positionals.map((p) => (p.optional && !p.shown.startsWith('[') ? `[${p.shown}]` : p.shown));
  const options = optionsOn(spec, face).map((o) => `[${o.short ? `-${o.short}|` : ''}${flagOf(o)}]`);
  return [spec.name, ...positionals, ...options].join(' ');
}

/** `Usage: jcb run ...` (or `/jcb run ...`), the hint of every grammar error. */
export function usageHint(name: string, face: HelpFace = 'terminal'): string {
  return `Usage: ${PROGRAM[face]} ${usageLine(name, face)}`;
}

/** `text` broken at spaces into lines of at most `width` characters, later lines indented by `indent`. */
function wrap(text: string, width: number, indent: number): string {
  const lead = /^ */.exec(text)![0];
  const lines: string[] = [];
  let line = lead;
  for (const word of text.slice(lead.length).split(' ')) {
    if (line.trim() && line.length + 1 + word.length > width) {
      lines.push(line);
      line = ' '.repeat(indent) + word;
    } else line = line.trim() ? `${line} ${word}` : line + word;
  }
  return [...lines, line].join('\n');
}

/** The examples of `spec` shown on `face`: those whose every option is offered there (`--batch`: Slack only). */
export function examplesOn(spec: CommandSpec, face: HelpFace): string[] {
  const offered = new Set(optionsOn(spec, face).map((o) => o.name));
  return spec.examples.filter((e) => [...e.matchAll(/(?:^| )--([a-z-]+)/g)].every(([, name]) => offered.has(name)));
}

/** The commands of a group (`data` → `data pull`, `data check`) offered on `face`; empty for a plain command. */
export function subcommandsOf(group: string, face: HelpFace = 'terminal'): CommandSpec[] {
  return commandsOn(face).filter((c) => c.name.startsWith(`${group} `));
}

/** `jcb data --help`, `jcb help data`, bare `jcb data`: each sub-command's usage and summary. */
function groupHelp(group: string, face: HelpFace, width: number): string {
  return [
    `Usage: ${PROGRAM[face]} ${group} <${subcommandsOf(group, face)
      .map((c) => c.name.split(' ')[1])
      .join('|')}> …`,
    '',
    ...subcommandsOf(group, face).flatMap((c) => [
      wrap(`  ${PROGRAM[face]} ${usageLine(c.name, face)}`, width, 6),
      wrap(`      ${c.summary}`, width, 6),
    ]),
    '',
    `${PROGRAM[face]} ${group} <command> --help describes every option of one.`,
  ].join('\n');
}

/**
 * `jcb <command> --help`: usage, summary, every option with its description, examples. A group's name
 * (`data`) gives its sub-commands; a command with sub-commands (`models`) names them after its examples.
 * @param width the terminal's columns (80 unless known); long lines wrap with a hanging indent.
 */
export function commandHelp(name: string, face: HelpFace = 'terminal', width = 80): string {
  const spec = COMMANDS_BY_NAME.get(name);
  if (!spec) return groupHelp(name, face, width);
  const subs = subcommandsOf(name, face).map((c) => `${PROGRAM[face]} ${c.name}`);
  const options = [...optionsOn(spec, face), HELP_OPTION];
  const shown = options.map((o) => `${o.short ? `-${o.short}, ` : '    '}${flagOf(o)}`);
  const column = Math.max(...shown.map((s) => s.length)) + 4;
  return [
    wrap(`Usage: ${PROGRAM[face]} ${usageLine(name, face)}`, width, 4),
    '',
    wrap(spec.summary, width, 0),
    '',
    'Options:',
    ...options.map((o, i) => wrap(`  ${shown[i].padEnd(column - 2)}${o.description}`, width, column)),
    '',
    'Examples:',
    ...examplesOn(spec, face).map((e) => `  ${PROGRAM[face]} ${e}`),
    ...(subs.length ? ['', `Sub-commands: ${subs.join(', ')} (each with --help).`] : []),
  ].join('\n');
}

/** One line per command for `jcb help` / `/jcb help` / App Home: its usage and what it does. */
export interface HelpEntry {
  name: string;
  usage: string;
  summary: string;
}

export function helpEntries(face: HelpFace): HelpEntry[] {
  return commandsOn(face).map((c) => ({
    name: c.name,
    usage: `${PROGRAM[face]} ${usageLine(c.name, face)}`,
    summary: c.summary,
  }));
}

/** `jcb help`: every command of the terminal, then how to see one in full. */
export function overview(face: HelpFace = 'terminal', width = 80): string {
  const entries = helpEntries(face);
  return [
    'jcb — J-ClinicalBench harness',
    '',
    ...entries.flatMap((e) => [wrap(`  ${e.usage}`, width, 6), wrap(`      ${e.summary}`, width, 6)]),
    '',
    wrap(
      `${PROGRAM[face]} <command> --help describes every option of a command; ${PROGRAM[face]} --version prints the version.`,
      width,
      0,
    ),
  ].join('\n');
}
