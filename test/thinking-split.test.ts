// The thinking/answer split (src/models/answer.ts, issue 21): it changes no released answer, reads every
// shape the open servers send, and never lets a task parser read the thinking.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { taskOfFolder } from '../src/evaluation/score-file.js';
import { DEFAULT_THINK_TAGS, incompleteAnswer, splitGeneration, splitReply } from '../src/models/answer.js';
import { Release } from '../src/release/release.js';
import { createServices } from '../src/services/index.js';
import { FIXTURE_ENV, freshStore, inThreadTokenizer, localChatServer, releaseDir, TEST_MODELS } from './helpers.js';

const dir = releaseDir();

describe.skipIf(!dir)('the split on the release', () => {
  it('changes none of the 182 released generation files: every output is its own answer, none has thinking', () => {
    const release = new Release(dir!);
    const files = release.generationFiles();
    expect(files).toHaveLength(182);
    const changed: string[] = [];
    let outputs = 0;
    for (const file of files) {
      const task = taskOfFolder(file.folder)!;
      for (const row of release.generationRows(file.path)) {
        const { output } = task.fromGeneration(row);
        const split = splitReply({ content: output });
        outputs++;
        if (split.answer !== output || split.thinking !== null || split.unclosed) changed.push(`${file.path}`);
      }
    }
    expect([...new Set(changed)]).toEqual([]);
    expect(outputs).toBeGreaterThan(70_000);
  });

  it('keeps the task markup the answers are written in (<d>, <m-key>, <m-val>, <e1>...), each answer unchanged', () => {
    const release = new Release(dir!);
    const tags = new Map<string, number>();
    for (const file of release.generationFiles()) {
      const task = taskOfFolder(file.folder)!;
      for (const row of release.generationRows(file.path)) {
        const { output } = task.fromGeneration(row);
        const found = output.match(/<[a-z][a-z0-9-]*/gi) ?? [];
        for (const tag of found) tags.set(tag, (tags.get(tag) ?? 0) + 1);
        if (found.length) expect(splitReply({ content: output }).answer).toBe(output);
      }
    }
    // The release really holds such answers: the check above is not empty.
    for (const tag of ['<d', '<m-key', '<m-val', '<e1', '<e2']) expect(tags.get(tag)).toBeGreaterThan(0);
  });
});

describe('splitReply', () => {
  it.each([
    ['a think block', '<think>選択肢1は禁忌。2か4か迷う。</think>\n\n4', '4', '選択肢1は禁忌。2か4か迷う。'],
    ['a marker inside the thinking', '<think>答え: 1 かな …</think>答え: 4', '答え: 4', '答え: 1 かな …'],
    ['a lone closing tag (Qwen3 on vLLM)', '…1は禁忌なので除外。\n</think>\n\n4', '4', '…1は禁忌なので除外。'],
    ['two think blocks', '<think>a</think><think>b 1</think>\n3', '3', 'a\n\nb 1'],
    ['an upper-case tag', '<THINK>1</THINK>2', '2', '1'],
    ['<thinking>', '<thinking>1 だろう</thinking>2', '2', '1 だろう'],
    ['<reasoning>', '<reasoning>T1 か</reasoning>T因子: T2', 'T因子: T2', 'T1 か'],
    ['Seed-OSS', '<seed:think>1</seed:think>3', '3', '1'],
    ['Kimi', '◁think▷1◁/think▷3', '3', '1'],
    [
      'gpt-oss harmony, unparsed',
      '<|channel|>analysis<|message|>答え: 1?<|end|><|start|>assistant<|channel|>final<|message|>答え: 4<|return|>',
      '答え: 4',
      '答え: 1?',
    ],
  ])('%s: the answer alone is read', (_, content, answer, thinking) => {
    const split = splitReply({ content });
    expect(split.answer).toBe(answer);
    expect(split.thinking).toBe(thinking);
  });

  it('task markup outside the release (<timex3>) is not thinking', () => {
    const answer = '<timex3 type="DATE">2020年4月</timex3>に<d certainty="positive">肺炎</d>';
    expect(splitReply({ content: answer })).toEqual({ answer, thinking: null, unclosed: false });
  });

  it('an unclosed start tag: no answer after it, the text before it stays the answer', () => {
    expect(splitReply({ content: '<think>答え: 1 かな' })).toEqual({
      answer: '',
      thinking: '答え: 1 かな',
      unclosed: true,
    });
    expect(splitReply({ content: '4\n<think>念のため' })).toEqual({
      answer: '4',
      thinking: '念のため',
      unclosed: true,
    });
  });

  it.each([
    ['vLLM `reasoning`', { content: '4', reasoning: '答え: 1' }],
    ['SGLang `reasoning_content`', { content: '4', reasoning: '答え: 1' }],
    ['OpenRouter `reasoning_details`', { content: '4', reasoning: [{ type: 'reasoning.text', text: '答え: 1' }] }],
    ['a summary detail', { content: '4', reasoning: [{ type: 'reasoning.summary', summary: '答え: 1' }] }],
    [
      'content parts',
      {
        content: [
          { type: 'thinking', thinking: [{ type: 'text', text: '答え: 1' }] },
          { type: 'text', text: '4' },
        ],
      },
    ],
  ])('%s: the field is thinking, the content the answer', (_, reply) => {
    expect(splitReply(reply)).toEqual({ answer: '4', thinking: '答え: 1', unclosed: false });
  });

  it('a block reopened after the answer and never closed: that part is thinking too, the answer stays', () => {
    expect(splitReply({ content: '<think>a</think>4\n<think>答え: 1' })).toEqual({
      answer: '4',
      thinking: 'a\n\n答え: 1',
      unclosed: true,
    });
  });

  it('an answer wrapped in <answer> after thinking is unwrapped; without thinking it is left as it is', () => {
    expect(splitReply({ content: '<think>1?</think>\n<answer>4</answer>' }).answer).toBe('4');
    expect(splitReply({ content: '<answer>4</answer>' }).answer).toBe('<answer>4</answer>');
  });

  it('a field and a think block together: both kept as thinking, field first', () => {
    expect(splitReply({ content: '<think>b</think>4', reasoning: 'a' }).thinking).toBe('a\n\nb');
  });

  it('content null, an object, a number: never a crash, never read as an answer when it is thinking', () => {
    expect(splitReply({ content: null, reasoning: '答え: 1' })).toEqual({
      answer: '',
      thinking: '答え: 1',
      unclosed: false,
    });
    expect(splitReply({ content: '4', reasoning: { odd: 1 } })).toEqual({
      answer: '4',
      thinking: '{"odd":1}',
      unclosed: false,
    });
    expect(splitReply({ content: 4 }).answer).toBe('4');
  });

  it('tags of the model entry replace the default ones', () => {
    const tags = [{ open: '[[T]]', close: '[[/T]]' }];
    expect(splitReply({ content: '[[T]]1[[/T]]2' }, tags)).toMatchObject({ answer: '2', thinking: '1' });
    expect(splitReply({ content: '<think>1</think>2' }, tags).answer).toBe('<think>1</think>2');
  });

  it('any text without a tag is its own answer, byte for byte (property)', () => {
    const hasTag = (s: string) =>
      DEFAULT_THINK_TAGS.some((t) => [t.open, t.close].some((x) => s.toLowerCase().includes(x.toLowerCase())));
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        fc.pre(!hasTag(text));
        expect(splitReply({ content: text })).toEqual({ answer: text, thinking: null, unclosed: false });
      }),
    );
  });

  it('nothing of the thinking reaches the answer, whatever it holds (property)', () => {
    const plain = fc.string({ unit: 'grapheme' }).filter((s) => !/[<>◁▷|]/.test(s));
    fc.assert(
      fc.property(plain, plain, fc.constantFrom(...DEFAULT_THINK_TAGS), (thinking, answer, tag) => {
        const split = splitReply({ content: `${tag.open}${thinking}${tag.close}${answer}` });
        expect(split.answer).toBe(answer.trim());
        expect(split.thinking ?? '').toBe(thinking.trim());
      }),
    );
  });
});

describe('the non-answers after thinking', () => {
  const split = (content: string | null, reasoning?: string) => splitReply({ content, reasoning });
  it.each([
    [split('<think>1</think>'), 'stop', 'thinking-only'],
    [split(null, '答え: 1'), 'stop', 'thinking-only'],
    [split('', '答え: 1'), 'length', 'thinking-cut'],
    [split('<think>答え: 1 かな'), 'length', 'thinking-cut'],
    [split('<think>答え: 1 かな'), 'stop', 'thinking-only'],
    [split('<think>'), 'stop', 'thinking-only'],
    [split(''), 'stop', 'empty'],
    [split('4'), 'length', 'truncated'],
    [split('<think>1</think>4'), 'content_filter', 'filtered'],
    [split('<think>1</think>4'), 'stop', undefined],
  ] as const)('%o with finish %s is %s', (s, finish, kind) => {
    expect(incompleteAnswer(s, finish)).toBe(kind);
  });

  it('a replayed or baseline generation is never marked, whatever it holds', () => {
    expect(splitGeneration({ output: '', latencyMs: 0 }, false).incomplete).toBeUndefined();
    expect(splitGeneration({ output: '', latencyMs: 0 }, true).incomplete).toBe('empty');
  });
});

describe('the response cache and the split', () => {
  it("an answer cached split with an entry's own think tags is not served to the same model with other tags", async () => {
    const store = await freshStore('sqlite');
    const server = await localChatServer(() => '<r>soon?</r>["W"]', 0, true);
    const evaluate = async (tags: string) => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-split-cache-'));
      const entry = `  m:\n    provider: openai-compatible\n    model: m\n    baseUrl: ${server.url}\n    maxRetries: 0\n${tags}`;
      writeFileSync(path.join(dir, 'models.yml'), TEST_MODELS + entry);
      const s = createServices({
        env: { ...FIXTURE_ENV, ...store.env, JCB_MODELS: path.join(dir, 'models.yml') },
        tokenizer: inThreadTokenizer(),
      });
      try {
        const { run } = await s.evaluate({ task: 'mr', model: 'm', shot: 'zero', limit: 2 });
        return { calls: server.calls(), outputs: (await s.runDocuments(run.id)).map((d) => d.output) };
      } finally {
        await s.close();
      }
    };
    try {
      const own = '    thinkTags: [{ open: "<r>", close: "</r>" }]\n';
      const first = await evaluate(own);
      expect(first).toEqual({ calls: 2, outputs: ['["W"]', '["W"]'] });
      // The same entry again: from the cache.
      expect(await evaluate(own)).toEqual(first);
      // The default tags do not take <r> out: asked again, and the answer is the whole reply.
      expect(await evaluate('')).toEqual({ calls: 4, outputs: ['<r>soon?</r>["W"]', '<r>soon?</r>["W"]'] });
    } finally {
      await server.close();
      await store.drop();
    }
  });
});
