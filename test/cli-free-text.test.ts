// `jcb phi` and `jcb ask` end to end (issue 27): the program in its own process, text from an argument, a
// file or standard input, models served by a local OpenAI-compatible server that records what reaches it.
// The on-premises path and the refusals of every bot path are in test/free-text.test.ts.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../src/services/index.js';
import { FIXTURE_ENV, JCB_BIN, localChatServer } from './helpers.js';

const TEXT = '長女の真由美さん（080-2233-4455）より，発熱が続くと連絡あり．';
const MASKED = '長女の[氏名]さん（[電話番号]）より，発熱が続くと連絡あり．';

function jcb(args: string[], env: Record<string, string | undefined>, stdin = '') {
  return new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const child = spawn(process.execPath, [JCB_BIN, ...args], {
      env: { ...process.env, JCB_DATA_DIR: undefined, ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin.end(stdin);
  });
}

// Each program start costs seconds on a busy machine: the cases share their starts.
describe('jcb phi and jcb ask (issue 27)', { timeout: 240_000 }, () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-cli-free-text-'));
  const bodies: string[] = [];
  let server: Awaited<ReturnType<typeof localChatServer>>;
  let env: Record<string, string>;

  beforeAll(async () => {
    server = await localChatServer((body) => {
      bodies.push(body);
      return '発熱の連絡あり。';
    });
    // cloud is an external server (the default policy); ward is on the hospital's premises.
    writeFileSync(
      path.join(dir, 'models.yml'),
      `models:
  cloud: { provider: openai-compatible, model: cloud, baseUrl: "${server.url}", maxRetries: 0, freeText: true }
  ward: { provider: openai-compatible, model: ward, baseUrl: "${server.url}", maxRetries: 0, freeText: true, dataPolicy: on-premises }
`,
    );
    writeFileSync(path.join(dir, 'note.txt'), `${TEXT}\n〒160-0023 新宿区西新宿7丁目1番1号\u0000\n`);
    env = { ...FIXTURE_ENV, JCB_MODELS: path.join(dir, 'models.yml'), JCB_STORE: path.join(dir, 'jcb.sqlite') };
  });
  afterAll(() => server.close());

  it('phi prints the findings and the masked text of a file, exit 1; of clean input, exit 0', async () => {
    const found = await jcb(['phi', path.join(dir, 'note.txt')], env);
    expect(found.code).toBe(1);
    expect(found.out).toMatch(/^4 found: 1 氏名, 1 電話番号, 2 住所$/m);
    expect(found.out).toMatch(/^氏名 +name +3–6 +真由美$/m);
    // The file's NUL shown, not written raw (src/cli/terminal-text.ts).
    expect(found.out).toContain(`Masked:\n${MASKED}\n〒[住所]\u2400\n`);
    const clean = await jcb(['phi', '-'], env, '夜間の発熱なし，食事は全量摂取．');
    expect(clean).toMatchObject({ code: 0, out: 'No personal information found.\n', err: '' });
  });

  it('phi of nothing (empty standard input) is no pass: one line saying so and how to give text, exit 1', async () => {
    expect(await jcb(['phi', '-'], env, '\n')).toEqual({
      code: 1,
      out: '',
      err: 'jcb: No text to check: standard input was empty. Name a text file (jcb phi note.txt), or pipe the text in (cat note.txt | jcb phi -).\n',
    });
  });

  it('phi --json reads standard input and gives kinds, spans and the masked text', async () => {
    const r = await jcb(['phi', '--json'], env, TEXT);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toEqual({
      findings: [
        { kind: 'name', start: 3, end: 6, text: '真由美' },
        { kind: 'phone', start: 9, end: 22, text: '080-2233-4455' },
      ],
      masked: MASKED,
    });
  });

  it('ask refuses personal information for an external model in one line, sends the masked text with --masked', async () => {
    bodies.length = 0;
    const refused = await jcb(['ask', 'cts', 'cloud', TEXT], env);
    expect(refused.code).toBe(1);
    expect(refused.err).toBe(
      'jcb: Not sent: your text holds personal information (1 氏名, 1 電話番号) and cloud is an external model. ' +
        'Add --masked to send it with each finding replaced by its kind (`jcb phi` shows that text), or choose an on-premises model.\n',
    );
    expect(bodies).toEqual([]);

    const sent = await jcb(['ask', 'cts', 'cloud', '-', '--masked'], env, TEXT);
    expect(sent.code).toBe(0);
    expect(sent.out).toContain('発熱の連絡あり。');
    expect(sent.out).toContain(`Sent masked (each finding replaced by its kind):\n${MASKED}`);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).toContain('長女の[氏名]さん（[電話番号]）より');
    expect(bodies[0]).not.toContain('真由美');

    const audit = await jcb(['audit', '--json'], env);
    expect(JSON.parse(audit.out).freeText[0]).toMatchObject({
      user: 'terminal',
      origin: 'cli',
      model: 'cloud',
      applied: 'masked',
    });
  });

  it('ask with nothing on standard input says what was wrong and how to give text, sends nothing, exit 1', async () => {
    bodies.length = 0;
    const line =
      'jcb: No text to send: the text is empty. Give the text after the model (jcb ask cts ward "…"), ' +
      'or pipe it in (echo "…" | jcb ask cts ward -).\n';
    expect(await jcb(['ask', 'cts', 'ward'], env, '')).toEqual({ code: 1, out: '', err: line });
    expect(await jcb(['ask', 'cts', 'ward', '-'], env, ' \n\t\n')).toEqual({ code: 1, out: '', err: line });
    expect(bodies).toEqual([]);
    // Every face: the services refuse a blank text before the model (a Slack message of spaces).
    const services = createServices({ env, threads: 0 });
    await expect(services.ask({ task: 'cts', model: 'ward', text: ' \u3000' })).rejects.toThrow(
      'No text to send: the text is empty.',
    );
    await services.close();
    expect(bodies).toEqual([]);
  });

  it('ask to a model that cannot be reached says so in one line naming the model, exit 1 (not an unexpected error)', async () => {
    // A port just closed: nothing listens there.
    const closed = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const down = path.join(dir, 'down.yml');
    writeFileSync(
      down,
      `models:\n  ward: { provider: openai-compatible, model: ward, baseUrl: "http://127.0.0.1:${closed}/v1", maxRetries: 0, freeText: true, dataPolicy: on-premises }\n`,
    );
    const r = await jcb(['ask', 'cts', 'ward', '夜間の発熱なし．'], { ...env, JCB_MODELS: down });
    expect(r.code).toBe(1);
    // The address is the operator's (`jcb models ward`), never in front of a user (src/base/shown.ts).
    expect(r.err).toMatch(
      /^jcb: ward: could not connect to the server \([^)]+\)[^\n]* \(the baseUrl of model ward in the model registry\)\.?\n$/,
    );
  });

  it('fails closed: a check that cannot run sends nothing, even to an on-premises model, and says so in one line', async () => {
    bodies.length = 0;
    const broken = { ...env, JCB_FACILITIES: path.join(dir, 'missing.txt') };
    // On-premises too: the bot's tests (test/free-text.test.ts) send to both kinds of model.
    const r = await jcb(['ask', 'cts', 'ward', '夜間の発熱なし．', '--masked'], broken);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `jcb: The check for personal information failed on this text (The facility list cannot be read): nothing was sent (JCB_FACILITIES ${path.join(dir, 'missing.txt')}: ENOENT). Correct it (a file of names, one a line) or unset JCB_FACILITIES: every check fails until then.\n`,
    );
    expect(bodies).toEqual([]);
  });
});
