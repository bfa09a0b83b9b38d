// Lists of ids as query parameters, in chunks a database takes.

/**
 * Ids bound in one query at most, with room for the query's other values: SQLite allows 32,766 bound values
 * a statement (SQLITE_MAX_VARIABLE_NUMBER's default since 3.32), PostgreSQL 65,535 (its protocol counts them
 * in 16 bits); past either the query fails ("too many SQL variables").
 */
export const IDS_PER_QUERY = 10_000;

/**
 * `query` over `ids` a chunk of at most IDS_PER_QUERY at a time (one after another: one connection's work),
 * its rows concatenated in chunk order; no query for no ids. Each id is asked once: an id repeated in two
 * chunks would return its rows twice (an `in` list returns them once however often it names the id).
 */
export async function inChunks<T>(ids: readonly string[], query: (chunk: string[]) => Promise<T[]>): Promise<T[]> {
  const unique = [...new Set(ids)];
  const rows: T[] = [];
  for (let i = 0; i < unique.length; i += IDS_PER_QUERY)
    rows.push(...(await query(unique.slice(i, i + IDS_PER_QUERY))));
  return rows;
}
