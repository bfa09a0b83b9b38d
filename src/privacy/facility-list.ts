// The detector as configured: the facility names an operator lists in the file JCB_FACILITIES names
// (UTF-8, one name a line, `#` starts a comment), found wherever they occur (issue 27).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UserError } from '../base/errors.js';
import { filesStamp } from '../base/stamp.js';
import { createDetector, type Detector } from './detect.js';

const names = z.array(z.string().min(1).max(200));

/** What to do about a facility list the check cannot use (every text refused until then): said in Slack, and for the operator. */
const FACILITIES_HINT = "Every check fails until it is corrected: ask the bot's operator.";
const FACILITIES_TERMINAL_HINT =
  'Correct it (a file of names, one a line) or unset JCB_FACILITIES: every check fails until then.';

/**
 * The names listed in the file JCB_FACILITIES names; none when it is unset.
 * @throws UserError (naming the variable, not the path) when the file cannot be read or holds an over-long line.
 */
export function readFacilityList(env: NodeJS.ProcessEnv): string[] {
  const file = env.JCB_FACILITIES;
  if (!file) return [];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError('The facility list cannot be read.', FACILITIES_HINT, {
      hint: FACILITIES_TERMINAL_HINT,
      detail: `JCB_FACILITIES ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    });
  }
  const listed = text
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean);
  const parsed = names.safeParse(listed);
  if (!parsed.success)
    throw new UserError('The facility list has a line over 200 characters.', FACILITIES_HINT, {
      hint: FACILITIES_TERMINAL_HINT,
      detail: `JCB_FACILITIES ${file}`,
    });
  return parsed.data;
}

/**
 * The detector with the operator's facility list, read on its first use and again whenever the file changes
 * (a stat a check), so a long-running bot finds a name added to the list without a restart. An unreadable list
 * fails each check.
 */
export function configuredDetector(env: NodeJS.ProcessEnv): Detector {
  let made: { stamp: string; detector: Detector } | undefined;
  return async (text) => {
    const stamp = env.JCB_FACILITIES ? filesStamp([env.JCB_FACILITIES]) : '';
    if (made?.stamp !== stamp) made = { stamp, detector: createDetector({ facilities: readFacilityList(env) }) };
    return made.detector(text);
  };
}
