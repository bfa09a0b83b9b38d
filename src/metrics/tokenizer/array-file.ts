// A file of named typed arrays, read back with one read and no parsing: the tokenizer's dictionary
// cache. Layout: "JCBA", a JSON index length (uint32 LE), the JSON index, then each array 8-aligned.
import { randomBytes } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, writeFileSync } from 'node:fs';
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
  // Read in place: the arrays straight into their SharedArrayBuffer, never a second 24 MB copy of the file.
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(8);
    readSync(fd, head, 0, 8, 0);
    if (head.toString('latin1', 0, 4) !== MAGIC) throw new Error(`${file}: not a jcb array file`);
    const headLength = head.readUInt32LE(4);
    const json = Buffer.alloc(headLength);
    readSync(fd, json, 0, headLength, 8);
    const { index, meta } = JSON.parse(json.toString('utf8')) as {
      index: { name: string; kind: Kind; offset: number; length: number }[];
      meta: unknown;
    };
    const dataStart = align(8 + headLength);
    const data = new Uint8Array(new SharedArrayBuffer(fstatSync(fd).size - dataStart));
    for (let at = 0; at < data.length; ) {
      const got = readSync(fd, data, at, data.length - at, dataStart + at);
      if (got === 0) throw new Error(`${file}: cut short`);
      at += got;
    }
    const arrays: Record<string, TypedArray> = {};
    for (const e of index) arrays[e.name] = new KINDS[e.kind](data.buffer as unknown as ArrayBuffer, e.offset, e.length);
    return { arrays, meta };
  } finally {
    closeSync(fd);
  }
}
