// The `jcb` process (bin/jcb.js loads it): the program over this process's arguments; its code is the exit code.
import { main } from './program.js';
import { guardOutput } from './output-errors.js';

guardOutput();

process.exitCode = await main(process.argv.slice(2));
