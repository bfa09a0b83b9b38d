// A local OpenAI-compatible chat server for the bench, in its own process so that its CPU is not
// counted as the harness's. It answers every request with "4" after the latency the parent sets.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

let latencyMs = 0;
process.on('message', (m: { latencyMs: number }) => {
  latencyMs = m.latencyMs;
  process.send!({ ok: true });
});

const server = createServer((req, res) => {
  let size = 0;
  req.on('data', (c: Buffer) => (size += c.length));
  req.on('end', () => {
    const answer = () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'bench',
          object: 'chat.completion',
          created: 0,
          model: 'bench',
          choices: [{ index: 0, message: { role: 'assistant', content: '4' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: size, completion_tokens: 1, total_tokens: size + 1 },
        }),
      );
    };
    // A zero latency answers in the same turn (a 0 ms timer still waits about 1 ms).
    if (latencyMs) setTimeout(answer, latencyMs);
    else answer();
  });
});
server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
