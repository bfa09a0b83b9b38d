// zod's findings in a person's words: one line naming the field (or the option typed) and what would be right,
// never zod's own wording ("Invalid input: expected string, received undefined"). Every face shows these.
import type { z } from 'zod';
import { cutEcho } from './suggest.js';

type Issue = z.core.$ZodIssue;

const KINDS: Record<string, string> = {
  string: 'a text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
  map: 'a mapping (key: value)',
  array: 'a list',
};

/** A field as written in its file (`models.x.baseUrl`), or as `name` gives it (`--base-url`). */
export type FieldName = (path: readonly PropertyKey[]) => string;

const asWritten: FieldName = (p) => (p.length ? p.map(String).join('.') : 'the file');

/**
 * What is wrong with one issue's field, in words that stand after `<field>: `: `missing (give a text)`,
 * `must be a URL (http://host[:port]/path)`, `unknown keys "a", "b"` (cut to 80 characters, as every echo).
 * A schema's own message (a refine's, a regex's) is kept as written.
 */
export function issueText(issue: Issue): string {
  if (!/^(Invalid|Too (big|small)|Unrecognized|Expected)/.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type': {
      const want = KINDS[issue.expected] ?? issue.expected;
      // zod 4 keeps no input on the issue; its message says "received undefined" for a missing one.
      return /received undefined$/.test(issue.message) ? `missing (give ${want})` : `must be ${want}`;
    }
    case 'invalid_format':
      return `must be ${issue.format === 'url' ? 'a URL (http:// or https://, then the host, its port and the path)' : `a ${issue.format}`}`;
    case 'unrecognized_keys':
      return `unknown ${issue.keys.length === 1 ? 'key' : 'keys'} ${cutEcho(issue.keys.map((k) => `"${k}"`).join(', '))}`;
    case 'invalid_value':
      return `must be ${cutEcho(issue.values.map((v) => JSON.stringify(v)).join(' or '))}`;
    case 'too_small':
      return `must be at least ${String(issue.minimum)}${issue.origin === 'string' || issue.origin === 'array' ? ' long' : ''}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}${issue.origin === 'string' || issue.origin === 'array' ? ' long' : ''}`;
    case 'invalid_union':
      return 'is none of the forms it may take';
    default:
      return 'is malformed';
  }
}

/** One issue as `<field>: <issueText>`; `name` renames the field (to the option a person typed). */
export const issueLine = (issue: Issue, name: FieldName = asWritten): string => `${name(issue.path)}: ${issueText(issue)}`;
