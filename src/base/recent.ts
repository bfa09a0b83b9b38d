// A cache of the entries used last: a long-running process (the bot) keeps a bounded part of what it read,
// not everything it was ever asked for (issue 28: the release's files, read again when asked again).

/** At most `limit` entries; reading or storing an entry makes it the newest, and the oldest leaves first. */
export class RecentlyUsed<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(readonly limit: number) {}

  /** The entry of `key`, made from `load` (and kept) when it is not here. */
  get(key: K, load: () => V): V {
    const kept = this.entries.get(key);
    if (kept !== undefined || this.entries.has(key)) {
      // Map keeps insertion order: deleting and setting again makes the entry the newest.
      this.entries.delete(key);
      this.entries.set(key, kept as V);
      return kept as V;
    }
    const value = load();
    this.entries.set(key, value);
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value as K);
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}
