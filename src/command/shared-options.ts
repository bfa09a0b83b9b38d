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
  description: 'Also write the result to PATH: JSON, CSV or Markdown by its extension.',
  faces: 'terminal',
};
/** Files that would hold a private task's text are written only when asked (src/policy/data-policy.ts). */
export const INCLUDE_PRIVATE: OptionSpec = {
  name: 'include-private',
  description: "Write a private task's data into the file too (the file then says it holds private data).",
  faces: 'terminal',
};
export const TASK: PositionalSpec = { shown: '<task>', kind: 'task' };
export const MODEL: PositionalSpec = { shown: '<model>', kind: 'model' };
export const RUN: PositionalSpec = { shown: '<run>', kind: 'text' };
