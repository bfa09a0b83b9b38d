// A helper of bench/rescore.ts, run as a process of its own so that it starts cold as `mecab` does: reads texts,
// one a line, from stdin, loads the dictionary (from its built cache, as any run after the first), and writes
// each text's ROUGE tokens joined by spaces, one line each (mecab -Owakati's shape). One thread, like MeCab.
import { loadIpadic } from '../src/metrics/tokenizer/ipadic.js';
import { rougeTokens } from '../src/metrics/tokenizer/rouge-tokens.js';

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const lines = Buffer.concat(chunks).toString('utf8').split('\n');
if (lines[lines.length - 1] === '') lines.pop();
const dic = await loadIpadic();
process.stdout.write(lines.map((line) => `${rougeTokens(dic, line).join(' ')}\n`).join(''));
