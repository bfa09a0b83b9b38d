/**
 * The `<options>` of CCA and MR. The release does not ship the candidate lists its prompts offered, so
 * jcb offers every gold name of the setting, sorted, written as a Python list like the gold columns.
 */
export function candidateList(golds: readonly string[][]): string {
  const names = [...new Set(golds.flat())].sort();
  return `[${names.map((n) => `'${n}'`).join(', ')}]`;
}
