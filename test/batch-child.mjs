// The built program (dist/src/cli/program.js, what bin/jcb.js runs) serving many command lines in one process,
// for test/jcb-batch.ts: each message { id, args, env } runs main(args) with the environment set to this
// process's own plus `env` (null removes a variable), its stdout and stderr captured; the answer is
// { id, code, out, err }. One at a time, in the order sent. What one command loads (the program's modules, the
// dictionaries, a parsed release) the next one reuses, as a long-running bot does.
import { main } from '../dist/src/cli/program.js';

const base = { ...process.env };
const realWrite = { out: process.stdout.write, err: process.stderr.write };

/** A stream's write that appends to `sink` instead (the signatures Node's streams accept). */
const captureInto = (sink) =>
  function write(chunk, encoding, done) {
    sink.text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const callback = typeof encoding === 'function' ? encoding : done;
    if (callback) queueMicrotask(callback);
    return true;
  };

function setEnvironment(env) {
  for (const key of Object.keys(process.env)) if (!(key in base)) delete process.env[key];
  Object.assign(process.env, base);
  for (const [key, value] of Object.entries(env ?? {})) {
    if (value === null) delete process.env[key];
    else process.env[key] = value;
  }
}

async function runOne({ id, args, env }) {
  setEnvironment(env);
  const out = { text: '' };
  const err = { text: '' };
  process.stdout.write = captureInto(out);
  process.stderr.write = captureInto(err);
  process.exitCode = undefined;
  let code;
  try {
    code = await main(args);
  } catch (error) {
    err.text += `batch-child: main threw: ${error?.stack ?? error}\n`;
    code = 99;
  } finally {
    process.stdout.write = realWrite.out;
    process.stderr.write = realWrite.err;
    process.exitCode = undefined;
  }
  process.send({ id, code, out: out.text, err: err.text });
}

let queue = Promise.resolve();
process.on('message', (message) => {
  queue = queue.then(() => runOne(message));
});
// The test is gone: so is this process.
process.on('disconnect', () => process.exit(0));
