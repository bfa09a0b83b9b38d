// A file of named typed arrays, read back with one read and no parsing: the tokenizer's dictionary
// cache. Layout: "JCBA", a JSON index length (uint32 LE), the JSON index, then each array 8-aligned.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const KINDS = { Int16Array, Int32Array, Uint8Array, Uint32Array } as const;
type Kind = keyof typeof KINDS;
/** An array `shared` copies into a SharedArrayBuffer of its own. */
export function shared<T extends TypedArray>(a: T): T {
  const copy = new (a.constructor as new (b: ArrayBuffer) => T)(
    new SharedArrayBuffer(a.byteLength) as unknown as ArrayBuffer,
  );
  copy.set(a as never);
  return copy;
}

export type TypedArray = Int16Array | Int32Array | Uint8Array | Uint32Array;
const MAGIC = 'JCBA';

const align = (n: number) => (n + 7) & ~7;

export function writeArrays(file: string, arrays: Record<string, TypedArray>, meta: unknown): void {
  const index: { name: string; kind: string; offset: number; length: number }[] = [];
  let offset = 0;
  for (const [name, a] of Object.entries(arrays)) {
    index.push({ name, kind: a.constructor.name, offset, length: a.length });
    offset = align(offset + a.byteLength);
  }
  const head = Buffer.from(JSON.stringify({ index, meta }));
  const dataStart = align(8 + head.length);
  const out = Buffer.alloc(dataStart + offset);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(head.length, 4);
  head.copy(out, 8);
  for (const entry of index) {
    const a = arrays[entry.name];
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(out, dataStart + entry.offset);
  }
  // Written whole under a temporary name, then renamed: readers never see half a file.
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, out);
  renameSync(tmp, file);
}

/**
 * The arrays and metadata of a file written by `writeArrays`, over one SharedArrayBuffer: handed to worker
 * threads, they cross without a copy. Throws when the file is missing or not one of these.
 */
export function readArrays(file: string): { arrays: Record<string, TypedArray>; meta: unknown } {
  const bytes = readFileSync(file);
  if (bytes.toString('latin1', 0, 4) !== MAGIC) throw new Error(`${file}: not a jcb array file`);
  const headLength = bytes.readUInt32LE(4);
  const { index, meta } = JSON.parse(bytes.toString('utf8', 8, 8 + headLength)) as {
    index: { name: string; kind: Kind; offset: number; length: number }[];
    meta: unknown;
  };
  // Copy into one aligned buffer: readFileSync's may start at any offset of a pooled allocation.
  const data = new Uint8Array(new SharedArrayBuffer(bytes.length - align(8 + headLength)));
  data.set(bytes.subarray(align(8 + headLength)));
  const arrays: Record<string, TypedArray> = {};
  for (const e of index) arrays[e.name] = new KINDS[e.kind](data.buffer as unknown as ArrayBuffer, e.offset, e.length);
  return { arrays, meta };
}
