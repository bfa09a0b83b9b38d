// The options and positionals several commands of the table (commands.ts) share.
import type { OptionSpec, PositionalSpec } from './command-spec.js';

export const SHOT: OptionSpec = {
  name: 'shot',
  value: 'one|zero',
  choices: ['one', 'zero'],
  description: 'One-shot (the default, as Table 4) or zero-shot prompts.',
};
export const JSON_FLAG: OptionSpec = {
  name: 'json',
  description: 'Print JSON (0–1 values, the release keys).',
  faces: 'terminal',
};
export const OUTPUT: OptionSpec = {
  name: 'output',
  short: 'o',
  value: 'PATH',
  path: 'file',
  formats: ['md', 'json', 'csv'],
  description: 'Also write the result to PATH: JSON, CSV or Markdown by its extension (- for standard output).',
  faces: 'terminal',
};
export const LOG_SAMPLES: OptionSpec = {
  name: 'log-samples',
  value: 'FILE.jsonl',
  path: 'file',
  formats: ['jsonl'],
  description:
    'Write one JSON line per document to FILE (id, prompt hash, output, parsed answer, scores; - for standard output).',
  faces: 'terminal',
};
export const CHART: OptionSpec = {
  name: 'chart',
  value: 'FILE.png|FILE.svg',
  path: 'file',
  formats: ['png', 'svg'],
  description: 'Write the chart to FILE (PNG or SVG by extension; - for standard output).',
  faces: 'terminal',
};
/** `--format`: what `-` (standard output) gets, one of the formats of the command's file options `files`. */
export function formatOption(...files: OptionSpec[]): OptionSpec {
  const choices = [...new Set(files.flatMap((o) => o.formats ?? []))];
  return {
    name: 'format',
    value: choices.join('|'),
    choices,
    description: "What a file option given - (standard output) writes; a file's format is its extension.",
    faces: 'terminal',
  };
}
/** Files that would hold a private task's text are written only when asked (src/policy/data-policy.ts). */
export const INCLUDE_PRIVATE: OptionSpec = {
  name: 'include-private',
  description: "Write a private task's data into the file too (the file then says it holds private data).",
  faces: 'terminal',
};
export const TASK: PositionalSpec = { shown: '<task>', kind: 'task' };
export const MODEL: PositionalSpec = { shown: '<model>', kind: 'model' };
export const RUN: PositionalSpec = { shown: '<run>', kind: 'text' };
