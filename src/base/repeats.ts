// Logs of loops that run every second or minute (the bot's progress tracker, the reconciler): a failure that repeats
// every pass (the store away for an hour) is said once, then again once a minute or when it changes, not every pass.

/** Remembers the lines said: `first(line)` is true when `line` was not said in the last `everyMs`. */
export function repeatedLines(everyMs = 60_000, now: () => number = Date.now) {
  const said = new Map<string, number>();
  return {
    first(line: string): boolean {
      const t = now();
      const at = said.get(line);
      if (at !== undefined && t - at < everyMs) return false;
      // Lines not repeated lately are forgotten (the map stays small whatever the number of distinct lines).
      if (said.size >= 100) for (const [l, when] of said) if (t - when >= everyMs) said.delete(l);
      said.set(line, t);
      return true;
    },
    /** Whether anything was said in the last `everyMs`, and forgets it all (a cause that passed). */
    clear(): boolean {
      const t = now();
      const recent = [...said.values()].some((when) => t - when < everyMs);
      said.clear();
      return recent;
    },
  };
}
