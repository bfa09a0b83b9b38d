import { CONVERSATION_HELP } from '../../src/command/conversation.js';
import type { Message } from './run.js';
import { message, section } from './text.js';

export const COMMAND_HELP = [
  '`/jcb run <task> <model> [<doc-id>|random] [--shot one|zero]` — one document: gold, output, scores, in a thread',
  "`/jcb leaderboard [--source paper|runs] [--shot one|zero]` — the paper's Table 4, or our stored runs",
  '`/jcb tasks`, `/jcb models` — what can be run',
  '`/jcb help` — this',
].join('\n');

export function helpMessage(): Message {
  return message('jcb: J-ClinicalBench in Slack', [
    section('*jcb* runs J-ClinicalBench tasks. Commands:'),
    section(COMMAND_HELP),
    section(`*Your own text*: mention me or DM me. ${CONVERSATION_HELP}`),
    section('*On a message*: use the message shortcut _Run a J-ClinicalBench task_.'),
  ]);
}
