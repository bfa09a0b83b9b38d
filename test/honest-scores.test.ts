// Scores say what they stand on, and failures read as one line a person understands.
import { describe, expect, it } from 'vitest';
import { everyDocumentFailed, failureCause } from '../src/evaluation/failure-cause.js';
import { coverageOf, isFull, scoreOrNull, showScore } from '../src/leaderboard/coverage.js';
import { withRetries } from '../src/models/limits.js';

describe('failureCause', () => {
  it.each([
    [
      'gpt-4o-live: HTTP 401: 401 Incorrect API key provided: sk-test. You can find your API key at https://platform.openai.com/account/api-keys.\n\nTroubleshooting URL: https://docs.langchain.com/oss/javascript/langchain/errors/MODEL_AUTHENTICATION/\n (after 1 attempt)',
      '401 from the provider: invalid API key',
    ],
    [
      "g5: HTTP 400: 400 Unsupported value: 'temperature' does not support 0 with this model. Only the default (1) value is supported. (after 1 attempt)",
      "400 from the provider: Unsupported value: 'temperature' does not support 0 with this model",
    ],
    ['x: HTTP 503: 503 Service Unavailable (after 6 attempts)', '503 from the provider: server error'],
    [
      'x: HTTP 429: 429 Rate limit reached for gpt-4o (after 6 attempts)',
      '429 from the provider: rate limit or quota exceeded',
    ],
    [
      'local: HTTP 404: 404 The model `nope` does not exist (after 1 attempt)',
      '404 from the provider: no such model or endpoint',
    ],
    ['local: Connection error. (after 2 attempts)', 'the provider could not be reached (connection error)'],
    ['local: timeout: Request timed out. (after 2 attempts)', 'the provider did not answer in time (timeout)'],
    ['something odd happened\n    at foo (/x/y.ts:1:2)', 'something odd happened'],
  ])('%j reads %j', (error, cause) => {
    expect(failureCause(error)).toBe(cause);
  });

  it('tells a run whose every document failed from one that had none', () => {
    expect(everyDocumentFailed([{ n: 0, failed: 1 }])).toBe(true);
    expect(
      everyDocumentFailed([
        { n: 0, failed: 1 },
        { n: 1, failed: 0 },
      ]),
    ).toBe(false);
    expect(everyDocumentFailed([{ n: 0, failed: 0 }])).toBe(false);
    expect(everyDocumentFailed([])).toBe(false);
  });
});

describe('showScore', () => {
  it('shows – for nothing scored, never 0.0', () => {
    expect(showScore(0, coverageOf({ n: 0, failed: 3 }))).toBe('–');
    expect(showScore(null)).toBe('–');
    expect(scoreOrNull(0, { n: 0 })).toBeNull();
    expect(scoreOrNull(0, { n: 2 })).toBe(0);
  });
  it('marks fewer documents than planned with n/planned, and a --limit run', () => {
    expect(showScore(0.2, coverageOf({ n: 1, failed: 5 }))).toBe('20.0† 1/6');
    expect(showScore(0.412, coverageOf({ n: 5, failed: 0, doc_limit: 5 }))).toBe('41.2‡');
    expect(showScore(0.412, coverageOf({ n: 4, failed: 1, doc_limit: 5 }))).toBe('41.2† 4/5‡');
    expect(showScore(0.412, coverageOf({ n: 6, failed: 0 }))).toBe('41.2');
  });
  it('counts only every planned document of a whole setting as full', () => {
    expect(isFull(coverageOf({ n: 6, failed: 0 }))).toBe(true);
    expect(isFull(coverageOf({ n: 5, failed: 1 }))).toBe(false);
    expect(isFull(coverageOf({ n: 5, failed: 0, doc_limit: 5 }))).toBe(false);
    expect(isFull(coverageOf({ n: 0, failed: 0 }))).toBe(false);
  });
});

describe('withRetries', () => {
  it('reports each retry as it is decided, with the attempt that failed and why', async () => {
    const heard: [number, string][] = [];
    let calls = 0;
    const result = await withRetries(
      async () => {
        if (++calls < 3) throw new Error('boom');
        return 'ok';
      },
      (e) => ({ retryable: true, message: (e as Error).message, retryAfterMs: 0 }),
      { maxRetries: 5, baseDelayMs: 1, maxDelayMs: 1 },
      undefined,
      (n, f) => heard.push([n, f.message]),
    );
    expect(result).toEqual({ value: 'ok', attempts: 3 });
    expect(heard).toEqual([
      [1, 'boom'],
      [2, 'boom'],
    ]);
  });
});
