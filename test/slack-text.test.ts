// Text at the two crossings (issue 26): Slack → jcb gives back what the person typed (handlers/slack-text.ts);
// jcb → Slack is escaped once, and a code block holds any text (handlers/blocks/text.ts). Property tests run
// generated texts through a model of Slack's encoding (its documented rules: "Formatting text for app
// surfaces", api.slack.com/reference/surfaces/formatting) and of what Slack shows.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { post, postEphemeral } from '../handlers/context.js';
import { MAX_FREE_TEXT } from '../src/command/conversation.js';
import { fromSlack, unescapeEntities } from '../handlers/slack-text.js';
import { blockTextLength, code, codeText, escape, LIMITS, section, splitBlocks } from '../handlers/blocks/text.js';
import { runReplies } from '../handlers/blocks/run.js';
import { findingsMessage } from '../handlers/blocks/findings.js';
import { errorText } from '../handlers/blocks/answers.js';
import { FindingsError } from '../src/privacy/free-text.js';
import { UserError } from '../src/base/errors.js';
import { NoReleaseError } from '../src/release/data-dir.js';
import { createServices, type RunResult } from '../src/services/index.js';
import { Release } from '../src/release/release.js';
import { TASKS } from '../tasks/index.js';
import { inThreadTokenizer, releaseDir } from './helpers.js';

let mentions = 0;
/** Slack's encoding of a typed word: special mentions, links and channels become entities, the rest escaped. */
function slackWord(word: string): string {
  if (/^@(channel|here|everyone)$/.test(word)) return `<!${word.slice(1)}>`;
  // A person mentioned (typed `@Sato`, picked from the list): their id, sometimes with their name.
  if (word === '@user') return ++mentions % 2 ? '<@U024BE7LH>' : '<@W0123ABCD|sato>';
  if (word === '@jcb') return '<@UBOT>';
  if (/^https?:\/\/\S+$/.test(word)) return `<${escape(word)}>`;
  if (/^[a-z]+\.(org|com|jp)$/.test(word)) return `<http://${word}|${word}>`;
  if (/^#[a-z-]+$/.test(word)) return `<#C024BE7LR|${word.slice(1)}>`;
  return escape(word);
}
/** A typed text as Slack delivers it: word by word (spaces, newlines and tabs kept). */
const slackEncode = (typed: string) =>
  typed
    .split(/([ \n\t]+)/)
    .map((w, i) => (i % 2 ? w : slackWord(w)))
    .join('');

/** What Slack shows of a ``` block's inside: its entities read, the zero-width spaces invisible. */
const shownInCode = (inside: string) => unescapeEntities(inside.replace(/\u200B/g, ''));

const fragment = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.constantFrom(
    '&',
    '<',
    '>',
    '&amp;',
    '&lt;',
    '<!channel>',
    '```',
    '`',
    '````',
    '@channel',
    '@here',
    '@user',
    'https://evil.example/x?a=1&b=<2>',
    'example.org',
    '#general',
    '👨‍👩‍👧‍👦',
    '🇯🇵',
    'שלום\u202Eabc',
    '\u0007\u0000\u001b',
    'BP 120/80 & HR > 100',
    '*bold* _it_ ~s~',
  ),
);
// Without U+200B: a zero-width space beside a backtick is the marker codeText adds, and invisible when shown.
const typedText = fc.array(fragment, { maxLength: 12 }).map((parts) => parts.join(' ').replace(/\u200B/g, ''));

describe('Slack → jcb: the text as typed', () => {
  it.each([
    ['BP 120/80 &amp; HR &gt; 100', 'BP 120/80 & HR > 100'],
    ['<@UBOT> cts 発熱', ' cts 発熱'],
    ['ask <@U2> and <@W3|taro>', 'ask @user and @user'],
    ['<!channel> <!here> <!everyone> <!subteam^S1|@oncall>', '@channel @here @everyone @group'],
    ['<https://evil.example/x|click here>', 'click here (https://evil.example/x)'],
    ['<https://example.com/a?b=1&amp;c=2>', 'https://example.com/a?b=1&c=2'],
    ['<http://example.org|example.org>', 'example.org'],
    ['<mailto:a@b.jp|a@b.jp>', 'a@b.jp'],
    ['<#C1|general> and <#C2>', '#general and #channel'],
    ['<!date^1392734382^{date}|Feb 18, 2014>', 'Feb 18, 2014'],
    ['&amp;amp; is typed &amp;amp;', '&amp; is typed &amp;'],
  ])('reads %j as %j', (slack, typed) => {
    expect(fromSlack(slack, { botUserId: 'UBOT' })).toBe(typed);
  });

  it('keeps a channel reference whole for --post when asked', () => {
    expect(fromSlack('leaderboard --post <#C1|general> &amp;', { channels: 'keep' })).toBe(
      'leaderboard --post <#C1|general> &',
    );
  });

  it('gives back any typed text from its Slack encoding (property)', () => {
    fc.assert(
      fc.property(typedText, (typed) => {
        expect(fromSlack(slackEncode(typed))).toBe(typed);
      }),
      { numRuns: 2000 },
    );
  });

  it("removes the bot's own mention, wherever it is, and nothing else (property)", () => {
    fc.assert(
      fc.property(typedText, typedText, (before, after) => {
        const typed = `${before} @jcb ${after}`;
        expect(fromSlack(slackEncode(typed), { botUserId: 'UBOT' })).toBe(`${before}  ${after}`);
        // Not knowing who it is, the bot reads its own mention as anyone's.
        expect(fromSlack(slackEncode(typed))).toBe(`${before} @user ${after}`);
      }),
      { numRuns: 1000 },
    );
  });

  it('counts what was typed: 7,990 characters of `&<>` are 7,990, not the 10,600 Slack sent', () => {
    const typed = '&<>'.repeat(2663) + 'a';
    expect(Array.from(fromSlack(slackEncode(typed))).length).toBe(7990);
    expect(slackEncode(typed).length).toBeGreaterThan(10_600);
  });
});

describe('jcb → Slack: escaped once, shown literally', () => {
  it('escapes mrkdwn once: what Slack shows is the text (property)', () => {
    fc.assert(
      fc.property(typedText, (typed) => {
        const sent = escape(typed);
        expect(sent).not.toMatch(/[<>]/); // no live mention, link or channel
        expect(unescapeEntities(sent)).toBe(typed);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps any text inside a code block, fences included (property)', () => {
    fc.assert(
      fc.property(typedText, (typed) => {
        const inside = codeText(typed);
        expect(inside).not.toMatch(/``/);
        expect(inside).not.toMatch(/^`|`$/);
        expect(shownInCode(inside)).toBe(typed);
        const block = code(typed) as { text: { text: string } };
        if (Array.from(typed).length < 500) expect(block.text.text).toBe('```' + inside + '```');
      }),
      { numRuns: 2000 },
    );
  });

  it('a round trip, typed → Slack → jcb → Slack, shows the typed text (property)', () => {
    fc.assert(
      fc.property(typedText, (typed) => {
        expect(unescapeEntities(escape(fromSlack(slackEncode(typed))))).toBe(typed);
      }),
      { numRuns: 1000 },
    );
  });

  it('says "Not sent" once, and escapes the findings once', () => {
    const err = new FindingsError(
      [{ kind: 'name', start: 0, end: 2, text: '山田' } as never],
      '[氏名] & co',
      'openai-test',
    );
    const m = findingsMessage('山田 & co', err, 'p1');
    expect(m.text).toMatch(/^Not sent: your text/);
    expect(m.text).not.toMatch(/Not sent: Not sent/);
    const shown = JSON.stringify(m.blocks);
    expect(shown).toContain('*山田*〔氏名〕 &amp; co');
    expect(shown).not.toContain('&amp;amp;');
  });

  it('shows no internals: no class name, no server path, no address', () => {
    expect(errorText(new TypeError('x is undefined'))).not.toMatch(/TypeError|undefined/);
    expect(errorText(new NoReleaseError('No release at /srv/jcb/data.', 'Set JCB_DATA_DIR=/srv/x', true))).toBe(
      ':warning: The benchmark data is not on this server. Ask an admin to run `jcb data pull`.',
    );
    const leaked = errorText(
      new UserError('The release at /home/ops/jcb/release is not whole', 'See https://x.example/a'),
    );
    expect(leaked).not.toMatch(/\/home\/ops|https:/);
    expect(leaked).not.toMatch(/\n/);
  });
});

describe('messages longer than Slack takes', () => {
  const texts = (blocks: KnownBlock[]) => blocks.map((b) => JSON.stringify(b));

  it('splits blocks over 11,000 characters of text into runs Slack takes, in order', () => {
    const blocks = Array.from({ length: 8 }, (_, i) => section(`${i}:` + '&'.repeat(2000)));
    const runs = splitBlocks(blocks);
    expect(runs.length).toBeGreaterThan(1);
    for (const r of runs) expect(blockTextLength(r)).toBeLessThanOrEqual(LIMITS.messageBlocksText);
    expect(runs.flat()).toEqual(blocks);
    expect(splitBlocks(Array.from({ length: 120 }, () => section('x'))).map((r) => r.length)).toEqual([50, 50, 20]);
  });

  it('posts a message too long for one as its first part, then the rest in its thread', async () => {
    const sent: Record<string, unknown>[] = [];
    const client = {
      chat: {
        postMessage: async (m: Record<string, unknown>) => (sent.push(m), { ok: true, ts: `${sent.length}.1` }),
      },
    } as unknown as WebClient;
    const blocks = Array.from({ length: 8 }, (_, i) => section(`${i}:` + 'x'.repeat(2900)));
    const first = await post(client, 'C1', { text: 'long', blocks });
    expect(first.ts).toBe('1.1');
    expect(sent.length).toBeGreaterThan(1);
    expect(sent[0].thread_ts).toBeUndefined();
    expect(sent.slice(1).map((m) => m.thread_ts)).toEqual(Array(sent.length - 1).fill('1.1'));
    expect(sent.flatMap((m) => m.blocks as KnownBlock[])).toEqual(blocks);
    for (const m of sent) expect(blockTextLength(m.blocks)).toBeLessThanOrEqual(12_000);
    // Asked in a thread, every part stays in it.
    sent.length = 0;
    await post(client, 'C1', { text: 'long', blocks }, '9.9');
    expect(new Set(sent.map((m) => m.thread_ts))).toEqual(new Set(['9.9']));
  });

  // The longest documents of the release (HS-PN's notes with their gold and output the longest of all).
  describe.skipIf(!releaseDir())('on the longest documents of the release', () => {
    const env = { JCB_DATA_DIR: releaseDir() };
    const services = createServices({ env, tokenizer: inThreadTokenizer() });
    let release: Release;
    let replays: ReturnType<typeof services.models>;
    beforeAll(() => {
      release = Release.fromEnv(env);
      replays = services.models().filter((m) => m.provider === 'replay');
    });
    afterAll(() => services.close());

    it('the longest documents pasted as one text with a name: the offer to send it masked goes in parts Slack takes', async () => {
      // What a person may paste: the release's longest documents, joined up to the free-text limit.
      const longest = TASKS.flatMap((t) => [...t.loadDocuments(release)].map((d) => d.text)).sort(
        (a, b) => b.length - a.length,
      );
      let text = '山田太郎さん';
      for (const doc of longest) {
        if (Array.from(text).length + Array.from(doc).length + 2 > MAX_FREE_TEXT) continue;
        text += `\n\n${doc}`;
      }
      expect(Array.from(text).length).toBeGreaterThan(MAX_FREE_TEXT - 300);
      const err = new FindingsError(
        [{ kind: 'name', start: 0, end: 4, text: '山田太郎' } as never],
        `[氏名]${text.slice(4)}`,
        'openai-test',
      );
      const offer = findingsMessage(text, err, 'p1');
      expect(blockTextLength(offer.blocks)).toBeGreaterThan(LIMITS.messageBlocksText);
      const sent: { blocks: KnownBlock[]; thread_ts?: string; user: string }[] = [];
      const client = {
        chat: { postEphemeral: async (m: (typeof sent)[number]) => (sent.push(m), { ok: true }) },
      } as unknown as WebClient;
      await postEphemeral(client, { channel: 'C1', user: 'U1', threadTs: '5.1' }, offer);
      expect(sent.length).toBeGreaterThan(1);
      for (const m of sent) {
        expect(blockTextLength(m.blocks)).toBeLessThanOrEqual(LIMITS.messageBlocksText);
        expect(m).toMatchObject({ user: 'U1', thread_ts: '5.1' });
      }
      expect(sent.flatMap((m) => m.blocks)).toEqual(offer.blocks);
      // The choice comes after the whole masked text.
      expect(sent.at(-1)!.blocks.some((b) => b.type === 'actions')).toBe(true);
    });

    it.each(TASKS.map((t) => [t.id, t] as const))(
      '%s: every message of its thread within the limits',
      async (_id, task) => {
        const docs = [...task.loadDocuments(release)].sort((a, b) => b.text.length - a.text.length).slice(0, 10);
        let checked = 0;
        for (const doc of docs) {
          for (const model of replays) {
            let result: RunResult | undefined;
            for (const shot of ['zero', 'one'] as const)
              result ??= await services
                .run({ task: task.id, model: model.alias, doc: doc.id, shot })
                .catch(() => undefined);
            if (!result) continue;
            for (const m of runReplies(result)) {
              const runs = splitBlocks(m.blocks);
              expect(runs.flat().map((b) => JSON.stringify(b))).toEqual(texts(m.blocks));
              if (process.env.DEBUG_LONG) console.log(task.id, doc.id, blockTextLength(m.blocks));
              for (const r of runs) {
                expect(blockTextLength(r)).toBeLessThanOrEqual(12_000);
                expect(r.length).toBeLessThanOrEqual(LIMITS.blocks);
              }
            }
            checked++;
            break;
          }
        }
        expect(checked).toBeGreaterThan(0);
      },
      120_000,
    );
  });
});
