// YAML that people write (the model registry, schedules, packs): a mistake in it is one line naming the file and
// where, never the parser's three (message, the source line, a caret) nor an "unexpected error".
import { parse } from 'yaml';
import { UserError } from './errors.js';
import { operatorFix } from './shown.js';

/**
 * `text` parsed as YAML: `what` names it for everyone (`The model registry`), `file` (its place) only for the
 * operator, as the parser's words and the remedy (operatorFix: Slack says whom to ask).
 * @throws UserError `<what> is not valid YAML: <file>: <what> at line N, column M. Correct it there (a YAML mapping).`
 *   in a terminal (the parser's first line); `<what> is not valid YAML; ask the bot's operator.` in Slack.
 */
export function parseYamlText(text: string, what: string, file: string): unknown {
  try {
    return parse(text);
  } catch (err) {
    const first = ((err as Error).message.split('\n')[0] ?? '').replace(/:$/, '');
    throw new UserError(
      `${what} is not valid YAML${operatorFix(`: ${file}: ${first}`)}`,
      operatorFix('Correct it there (a YAML mapping).'),
    );
  }
}
