// `/jcb help` and App Home's command list, rendered from the grammar's table (src/command/commands.ts).
import type { KnownBlock } from '@slack/types';
import { CONVERSATION_HELP } from '../../src/command/conversation.js';
import { commandHelp, helpEntries } from '../../src/command/help.js';
import type { Message } from './run.js';
import { code, LIMITS, message, section } from './text.js';

/** Every `/jcb` command, one mrkdwn line each, in as few sections as Slack's 3,000-character limit allows. */
export function commandSections(): KnownBlock[] {
  const lines = helpEntries('slack').map((e) => `\`${e.usage}\` — ${e.summary}`);
  const chunks: string[] = [];
  for (const line of lines) {
    const last = chunks.at(-1);
    if (last !== undefined && last.length + line.length + 1 <= LIMITS.sectionText)
      chunks[chunks.length - 1] += `\n${line}`;
    else chunks.push(line);
  }
  return chunks.map(section);
}

/** `/jcb help`, or `/jcb <command> --help`: that command's options and examples in `/jcb` form. */
export function helpMessage(command?: string): Message {
  if (command) return message(`/jcb ${command}`, [code(commandHelp(command, 'slack'))]);
  return message('jcb: J-ClinicalBench in Slack', [
    section('*jcb* runs J-ClinicalBench tasks. Commands (`/jcb <command> --help` tells one in full):'),
    ...commandSections(),
    section(`*Your own text*: mention me or DM me. ${CONVERSATION_HELP}`),
    section('*On a message*: use the message shortcut _Run a J-ClinicalBench task_.'),
  ]);
}
