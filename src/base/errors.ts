import { forPeople } from './shown.js';

/** What only a terminal's user should see: the operator's details (paths, URLs) and terminal commands. */
export interface TerminalWords {
  /** Appended to the message in a terminal: where (a store's path, Redis's URL), the underlying error. */
  detail?: string;
  /** Replaces the hint in a terminal, e.g. advice naming `jcb runs` or an environment variable. */
  hint?: string;
}

/**
 * An error whose message is meant for the user as is: what was wrong and what would be right.
 * `message` and `hint` are face-neutral (shown in Slack too: no paths, URLs or terminal commands);
 * `terminal` carries what only the terminal shows (see `userErrorText`).
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly terminal?: TerminalWords,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * A UserError in one line for a face: `terminal` adds the operator's details and terminal advice. Either way
 * through `forPeople`: no address, secret or stack frame reaches a person (a path only the terminal's).
 */
export function userErrorText(err: UserError, face: 'terminal' | 'chat'): string {
  const detail = face === 'terminal' && err.terminal?.detail ? ` (${err.terminal.detail})` : '';
  const hint = (face === 'terminal' ? err.terminal?.hint : undefined) ?? err.hint;
  // A message ending in a question ("Did you mean …?") keeps its mark and takes no full stop after it.
  const ends = detail === '' && /[?!]$/.test(err.message) ? '' : '.';
  return forPeople(`${err.message.replace(/\.$/, '')}${detail}${ends}${hint ? ` ${hint}` : ''}`, face);
}
