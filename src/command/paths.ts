// Which arguments of a parsed command are paths, read from the command table (an option marked `path`), so that
// a new path option is checked with no other change.
import type { PathArgument } from '../base/paths.js';
import { COMMANDS } from './commands.js';
import type { Command } from './types.js';

const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Every path `cmd` will read or write, with the option as shown in usage (`-o`, `--dir`, or the positional's
 * `<…>`), including a default the grammar filled in (`export`'s `export-<run>`). Empty for commands without one.
 */
export function pathArguments(cmd: Command): PathArgument[] {
  const spec = COMMANDS.find((c) => c.name.replace(' ', '-') === cmd.kind);
  if (!spec) return [];
  const fields = cmd as unknown as Record<string, unknown>;
  const options = spec.options.flatMap((o) => {
    const value = o.path && fields[camel(o.name)];
    return typeof value === 'string' ? [{ option: o.short ? `-${o.short}` : `--${o.name}`, value, use: o.path! }] : [];
  });
  const positionals = spec.positionals.flatMap((p) => {
    const value = p.path && fields[p.path.field];
    return typeof value === 'string' ? [{ option: spec.name, value, use: p.path!.use }] : [];
  });
  return [...options, ...positionals];
}
