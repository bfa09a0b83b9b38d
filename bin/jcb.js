#!/usr/bin/env node
// The `jcb` command: runs the compiled CLI (npm install builds it).
import { existsSync } from 'node:fs';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('jcb: not built yet. Run `npm install` (or `npm run build`) in the jcb folder.');
  process.exit(1);
}
// The bot (`jcb bot`, `npm start`) and `jcb score` keep a small heap, set before the program's modules load; the
// program sets the parsed command's own (src/base/lean-heap.ts, src/cli/program.ts heapSettingOf).
(await import(new URL('../dist/src/base/lean-heap.js', import.meta.url).href)).useHeapSetting('lean');
await import(main.href);
