// `npm run bench` (part 0): the machine the figures come from. Its load counts every other job on it: ratios
// measured on a busy machine are noisy, and the bench asserts nothing.
import os from 'node:os';

const cpus = os.cpus();
const [one, five] = os.loadavg();
console.log(`Machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${os.availableParallelism()} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB`);
console.log(`  load average ${one.toFixed(1)} (1 min), ${five.toFixed(1)} (5 min); Node ${process.version}`);
