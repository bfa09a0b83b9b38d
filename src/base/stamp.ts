// What tells a long-running process that files it loaded changed: each path's modification time and size.
import { statSync } from 'node:fs';

/**
 * One string that changes when any of `paths` is edited, replaced, created or removed: each path's mtime (ms) and
 * size, `-` for one that does not exist. A stat a path: cheap enough to check on every request.
 */
export function filesStamp(paths: readonly string[]): string {
  return paths
    .map((p) => {
      const s = statSync(p, { throwIfNoEntry: false });
      return s ? `${s.mtimeMs}:${s.size}` : '-';
    })
    .join('\n');
}
