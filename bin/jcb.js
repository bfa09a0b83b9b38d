#!/usr/bin/env node
// The `jcb` command: runs the compiled CLI (npm install builds it).
import { existsSync } from 'node:fs';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('jcb: not built yet. Run `npm install` (or `npm run build`) in the jcb folder.');
  process.exit(1);
}
await import(main.href);
