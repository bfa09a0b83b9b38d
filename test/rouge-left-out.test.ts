// A ROUGE-L setting's mean leaves out empty outputs and non-answers, as the release did; a live run's score says
// how many documents it stands on (†, n/planned) wherever it shows, and `–` when none was answered (breaker-llm K3).
import nock from 'nock';
import { beforeAll, describe, expect, it } from 'vitest';
import { finalScoresMessage } from '../handlers/blocks/progress.js';
import { renderEval, renderRunSummary, renderRunsLeaderboard } from '../src/cli/render.js';
import { COVERAGE_LEGEND, MARKS } from '../src/leaderboard/coverage.js';
import { releaseDir } from './helpers.js';
import { modelsFile } from './fake-provider.js';
import { nockedServices, type NockedServices } from './nocked-services.js';

const dir = releaseDir();
const SERVER = 'http://127.0.0.1:8000';
const MODELS = `
models:
  alt: { provider: openai-compatible, model: fake-model, baseUrl: ${SERVER}/v1, maxRetries: 0 }
  thinker: { provider: openai-compatible, model: fake-model, baseUrl: ${SERVER}/v1, maxRetries: 0 }
`;

/** Every other request answered only in thinking (an unclosed `<think>`: no answer after it). */
function serve() {
  let i = 0;
  nock(SERVER)
    .post('/v1/chat/completions')
    .times(100)
    .reply(200, (_uri, body) => {
      const model = (body as { model: string }).model;
      const text = i++ % 2 === 0 ? '患者は発熱なく経過良好。' : '<think>まだ考えている';
      return {
        id: 'x',
        object: 'chat.completion',
        created: 1,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 500, completion_tokens: 20 },
      };
    });
}

describe.skipIf(!dir)('a ROUGE-L setting with documents that were not answered', () => {
  const live = nockedServices(dir!, () => modelsFile(MODELS));
  let services: NockedServices['services'];
  beforeAll(() => void ({ services } = live));

  it('shows n/planned with † in the terminal, show, Slack and the runs board; – when none was answered', async () => {
    serve();
    const half = await services.evaluate({
      task: 'irs',
      model: 'alt',
      shot: 'one',
      limit: 6,
      concurrency: 1,
      noCache: true,
    });
    expect(half.outcomes[0]).toMatchObject({ n: 6, noAnswer: 3, leftOut: 3 });
    const mark = new RegExp(`\\d+\\.\\d${MARKS.partial} 3/6`);
    expect(renderEval(half, 'here')).toMatch(mark);
    const summary = await services.show(half.run.id);
    expect(renderRunSummary(summary)).toMatch(mark);
    const slack = finalScoresMessage({ ...summary, previous: {}, firstFailure: null } as never);
    expect(JSON.stringify(slack.blocks)).toMatch(mark);

    nock.cleanAll();
    nock(SERVER)
      .post('/v1/chat/completions')
      .times(100)
      .reply(200, {
        id: 'x',
        object: 'chat.completion',
        created: 1,
        model: 'fake-model',
        choices: [{ index: 0, message: { role: 'assistant', content: '<think>考え中' }, finish_reason: 'length' }],
        usage: { prompt_tokens: 500, completion_tokens: 20 },
      });
    const none = await services.evaluate({ task: 'irs', model: 'thinker', shot: 'one', limit: 3, noCache: true });
    expect(none.outcomes[0]).toMatchObject({ n: 3, leftOut: 3 });
    const line = renderEval(none, 'here');
    expect(line).toMatch(/irs .*–/);
    expect(line).not.toMatch(/0\.0/);

    const board = await services.leaderboard('one', 'runs');
    const text = renderRunsLeaderboard(board, undefined);
    expect(text).toMatch(mark);
    const thinker = text.split('\n').find((l) => l.includes('thinker'))!;
    expect(thinker).toContain('–');
    expect(thinker).not.toMatch(/0\.0/);
    expect(COVERAGE_LEGEND).toContain('no answer');
  });
});
