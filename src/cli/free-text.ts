// `jcb phi` and `jcb ask` in a terminal (issue 27): the personal-information check of a document, and free
// text to a model under exactly the bot's rule and audit (the same services; `--masked` is the bot's
// "Send masked"). Text comes from the argument, a file, or standard input.
import { readFileSync } from 'node:fs';
import type { Command } from '../command/grammar.js';
import { UserError } from '../base/errors.js';
import { cutEcho } from '../base/suggest.js';
import { KIND_LABELS } from '../privacy/kinds.js';
import { summary } from '../privacy/free-text.js';
import type { Services } from '../services/index.js';
import { table } from '../base/table.js';
import { terminalText } from './terminal-text.js';

/** Where the commands read and write: the process's streams, or a test's. */
export interface TerminalIo {
  readStdin(): Promise<string>;
  print(text: string): void;
}

export const processIo: TerminalIo = {
  async readStdin() {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  print: (text) => void process.stdout.write(`${terminalText(text)}\n`),
};

function readFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(
      `Cannot read "${file}"${code ? ` (${code})` : ''}.`,
      'Name a readable text file, or - for standard input.',
    );
  }
}

/**
 * `jcb phi`: the findings (kind, span in UTF-16 code units, text) and the masked text; process.exitCode 1
 * when something was found. UserError for an empty text (nothing checked is not a pass). `--json`: `{ findings: [{kind, start, end, text}], masked }`.
 * @throws CheckFailedError when the check fails (exit 1 with its line, never a pass).
 */
export async function phiCommand(cmd: Extract<Command, { kind: 'phi' }>, services: Services, io = processIo) {
  const text = cmd.file === undefined ? await io.readStdin() : readFile(cmd.file);
  // Nothing checked is no pass: `cat missing.txt | jcb phi` must not say the text is clean.
  if (!text.trim())
    throw new UserError(
      `No text to check: ${cmd.file === undefined ? 'standard input was empty' : `${cutEcho(cmd.file)} is empty`}.`,
      'Name a text file (jcb phi note.txt), or pipe the text in (cat note.txt | jcb phi -).',
    );
  const { findings, masked } = await services.phi(text);
  if (findings.length) process.exitCode = 1;
  if (cmd.json) return io.print(JSON.stringify({ findings, masked }, null, 2));
  if (!findings.length) return io.print('No personal information found.');
  const rows = findings.map((f) => [KIND_LABELS[f.kind], f.kind, `${f.start}–${f.end}`, f.text]);
  io.print(`${findings.length} found: ${summary(findings)}\n${table(['label', 'kind', 'span', 'text'], rows)}`);
  io.print(`\nMasked:\n${masked}`);
}

/**
 * `jcb ask`: the model's answer, after the bot's rule (refused with personal information for an external
 * model unless --masked; FindingsError says so in one line). The audit row names the user `terminal`.
 */
export async function askCommand(cmd: Extract<Command, { kind: 'ask' }>, services: Services, io = processIo) {
  // An empty standard input is refused by the service (after the private-task rule, which needs no text).
  const text = cmd.text ?? (await io.readStdin());
  const answer = await services.ask({
    task: cmd.task,
    model: cmd.model,
    text,
    masked: cmd.masked,
    user: 'terminal',
    origin: 'cli',
  });
  if (cmd.json) return io.print(JSON.stringify(answer, null, 2));
  const lines = [
    `${answer.task.label} by ${answer.model.alias} (${answer.model.provider})`,
    answer.output || '(empty)',
  ];
  if (answer.incomplete) lines.push(`⚠ ${answer.incomplete}`);
  lines.push(answer.parse.ok ? `Read as: ${answer.parse.shown}` : `Not read: ${answer.parse.problem ?? ''}`);
  if (answer.maskedText) lines.push(`Sent masked (each finding replaced by its kind):\n${answer.maskedText}`);
  io.print(lines.join('\n'));
}
