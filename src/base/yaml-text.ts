// YAML that people write (the model registry, schedules, packs): a mistake in it is one line naming the file and
// where, never the parser's three (message, the source line, a caret) nor an "unexpected error".
import { parse } from 'yaml';
import { UserError } from './errors.js';

/**
 * `text` parsed as YAML (`source` names it for people).
 * @throws UserError `<source> is not valid YAML: <what> at line N, column M.` (the parser's first line).
 */
export function parseYamlText(text: string, source: string): unknown {
  try {
    return parse(text);
  } catch (err) {
    const first = ((err as Error).message.split('\n')[0] ?? '').replace(/:$/, '');
    throw new UserError(`${source} is not valid YAML: ${first}.`, 'Correct it there (a YAML mapping).');
  }
}
