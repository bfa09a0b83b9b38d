// A stored run of a task file whose file is not loaded now (no JCB_TASKS, a folder moved, an id renamed): every
// reader of stored runs shows it by id with UNLOADED_NOTE and never fails the whole listing; export, which needs
// the task, says in one line what to set (break1, kind 1). The variable to set is the operator's fix: Slack's
// leaderboard and digest say the task file is not loaded here and whom to ask, a terminal `set JCB_TASKS`.
import { writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError, userErrorText } from '../src/base/errors.js';
import { renderDigests, renderRuns, renderRunsLeaderboard, renderStatus } from '../src/cli/render.js';
import { UNLOADED_NOTE } from '../src/evaluation/documents.js';
import { createServices } from '../src/services/index.js';
import { digestMessage } from '../handlers/blocks/digest.js';
import { leaderboardMessage } from '../handlers/blocks/tables.js';
import { FIXTURE_ENV, FIXTURES, freshStore, inThreadTokenizer } from './helpers.js';

const OWN = path.join(FIXTURES, 'task-files', 'own');

describe('a stored run whose task file is not loaded now', () => {
  let services: ReturnType<typeof createServices>;
  let runId = '';
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'jcb-unloaded-'));
  const schedules = path.join(scratch, 'schedules.yml');
  writeFileSync(
    schedules,
    'schedules:\n  ward:\n    cron: "0 2 * * *"\n    models: [baseline]\n    tasks: [triage]\n    shot: zero\n    channel: "#ward"\n',
  );

  beforeAll(async () => {
    const store = await freshStore('sqlite');
    const env = {
      ...process.env,
      ...FIXTURE_ENV,
      ...store.env,
      JCB_PACKS_TASKS: '/nonexistent',
      JCB_SCHEDULES: schedules,
    };
    const loaded = createServices({ env: { ...env, JCB_TASKS: OWN }, tokenizer: inThreadTokenizer() });
    runId = (await loaded.evaluate({ task: 'triage', model: 'baseline', shot: 'zero' })).run.id;
    await loaded.close();
    const env2: NodeJS.ProcessEnv = { ...env };
    delete env2.JCB_TASKS;
    services = createServices({ env: env2, tokenizer: inThreadTokenizer() });
  });
  afterAll(() => services.close());

  const note = 'triage: task file not loaded here: set JCB_TASKS';
  /** What Slack's blocks say of it: whom to ask, no variable, no raw mark. */
  const slackSays = (blocks: unknown) => {
    const text = JSON.stringify(blocks);
    expect(text).toContain("triage: task file not loaded here; ask the bot's operator");
    expect(text).not.toMatch(/JCB_|\{\{/);
  };

  it('runs lists it, by id, with the note', async () => {
    const runs = await services.runs();
    const run = runs.find((r) => r.run.id === runId)!;
    expect(run.unloaded).toEqual(['triage']);
    expect(run.scores.map((s) => s.task)).toEqual(['triage']);
    expect(renderRuns(runs)).toContain(note);
  });

  it('status --all lists it with the note', async () => {
    const runs = await services.status(undefined, { all: true });
    expect(runs.map((r) => r.run.id)).toContain(runId);
    expect(renderStatus(runs)).toContain(note);
  });

  it('show answers for it', async () => {
    expect((await services.show(runId)).tasks).toEqual(['triage']);
  });

  it('leaderboard --source runs keeps its column, by id, with the note', async () => {
    const board = await services.leaderboard('zero', 'runs');
    const i = board.columns.findIndex((c) => c.id === 'triage');
    expect(board.columns[i]).toEqual({ id: 'triage', label: 'triage', about: UNLOADED_NOTE });
    expect(board.rows.find((r) => r.model === 'baseline')!.cells[i]).not.toBeNull();
    expect(renderRunsLeaderboard(board, undefined)).toContain(note);
    slackSays(leaderboardMessage(board).blocks);
  });

  it('digest shows its number with the note', async () => {
    const [digest] = await services.digest('ward');
    expect(digest.rows).toHaveLength(1);
    expect(digest.rows[0]).toMatchObject({ task: 'triage', run: runId, about: UNLOADED_NOTE });
    expect(digest.rows[0].score).not.toBeNull();
    expect(renderDigests([digest])).toContain(note);
    slackSays(digestMessage(digest).blocks);
  });

  it('export says in one line what to set', async () => {
    const err = await services.exportRun(runId, path.join(scratch, 'out')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(userErrorText(err as UserError, 'terminal')).toBe(
      `Run ${runId} holds task "triage", whose task file is not loaded. Set JCB_TASKS to the folder that holds it.`,
    );
    // In Slack, what the person can do: no environment variable.
    expect(userErrorText(err as UserError, 'chat')).toBe(
      `Run ${runId} holds task "triage", whose task file is not loaded. Ask whoever runs jcb to load its task file.`,
    );
  });
});
