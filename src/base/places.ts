// Where a path really lands, to compare two paths (src/base/paths.ts: one place named twice) and to find a
// system folder behind links.
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';

/** Where `p` (absolute) really is: its nearest existing part with every link resolved, and the rest as given. */
export function realPlace(p: string): string {
  let at = p;
  const rest: string[] = [];
  while (path.dirname(at) !== at) {
    try {
      return path.join(realpathSync(at), ...rest);
    } catch {
      rest.unshift(path.basename(at));
      at = path.dirname(at);
    }
  }
  return p;
}

/**
 * Where a path lands, as a key to compare: an existing file or folder by its device and inode (a hard link, a
 * symbolic link, `./x` and `x` are one), a new one by its real path (its folders' links resolved); undefined for
 * an empty path.
 */
export function placeOf(value: string): string | undefined {
  if (!value.trim()) return undefined;
  const target = path.resolve(value);
  try {
    const { dev, ino } = statSync(target);
    return `inode ${dev}:${ino}`;
  } catch {
    return realPlace(target);
  }
}
