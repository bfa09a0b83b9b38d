// Reading lists of names (CCA, MR): what models write, and the Python list literals the release stores.

const FENCES = /```(?:json)?/g;

/**
 * The release's reading of a list output: a JSON array when it is one, otherwise split on commas.
 * Empty items and a cut-off last fragment are kept on purpose: both count in the release's precision.
 */
export function readListOutput(output: string): { items: string[]; json: boolean } {
  const text = output.replace(FENCES, '').trim();
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed))
      return { items: parsed.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))), json: true };
  } catch {
    // not JSON: fall through to the lenient reading
  }
  const inner = text.replace(/^[[\]]+|[[\]]+$/g, '');
  const items = inner.split(',').map((item) =>
    item
      .trim()
      .replace(/^['"]+|['"]+$/g, '')
      .trim(),
  );
  return { items, json: false };
}

/** A list begun with `[` and never closed, not JSON: an output cut off mid-list (its token limit), last fragment kept. */
export function isCutOffList(output: string): boolean {
  const text = output.replace(FENCES, '').trim();
  return text.startsWith('[') && !text.endsWith(']') && !readListOutput(output).json;
}

/** Writes a list as the Python literal the release stores gold lists as. */
export function toPythonList(items: readonly string[]): string {
  return `[${items.map((i) => `'${i.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(', ')}]`;
}

/** A Python list literal of strings (`['a', "b"]`), as the release stores gold lists. */
export function readPythonList(literal: unknown): string[] {
  if (Array.isArray(literal)) return literal.map(String);
  const text = String(literal ?? '').trim();
  const items: string[] = [];
  const quoted = /(['"])((?:\\.|(?!\1)[^\\])*)\1/g;
  if (!text.startsWith('[')) return readListOutput(text).items;
  for (const m of text.matchAll(quoted)) {
    items.push(decodePythonEscapes(m[2]));
  }
  return items;
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0' };

// Python's repr() writes non-printable characters as escapes: the gold lists hold `\u3000`
// (an ideographic space inside drug names) that must match the real character in outputs.
function decodePythonEscapes(body: string): string {
  return body.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|.)/g, (_, e: string) =>
    e.length > 1 ? String.fromCodePoint(parseInt(e.slice(1), 16)) : (SIMPLE_ESCAPES[e] ?? e),
  );
}

/** Full-width ASCII (U+FF01–FF5E) to ASCII; U+3000 and everything else unchanged. */
export function halfWidthAscii(text: string): string {
  return text.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}
