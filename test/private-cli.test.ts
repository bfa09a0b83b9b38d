// Private tasks in a terminal (issue 33), generated from the command table (src/command/commands.ts): every
// command the terminal is offered runs through the built program on the private fixture task, with an external
// model (an OpenAI-compatible server of this test that counts its requests) and with the private run, and every
// option naming a file or folder given. Nothing reaches the external model; a command that sends the task's text
// to a model (`privateData: 'sends'` in the table, which every command declares) is refused in one line; no file
// is written with the task's text without --include-private, and with it the file says it holds private data. A
// new command is tried as soon as it is in the table.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, offeredOn, type CommandSpec, type PrivateData } from '../src/command/commands.js';
import { PRIVATE_CAPTION } from '../src/policy/data-policy.js';
import { commandView } from '../src/policy/access-audit.js';
import { createServices } from '../src/services/index.js';
import { FIXTURE_ENV, inThreadTokenizer, localChatServer } from './helpers.js';
import { PRIVATE_MARK, PRIVATE_TASKS, privateModels } from './private-fixture.js';

/** What a command may declare it does with a private task's data (src/command/command-spec.ts). */
const PRIVATE_DATA: readonly PrivateData[] = ['sends', 'text', 'scores', 'none'];
const BIN = path.resolve(__dirname, '../bin/jcb.js');
const TASK = 'ward-meds';
/** The private task as a terminal shows it: its id, or its label in boards and comparisons. */
const SHOWN = /ward-meds|Ward meds/;
/** Commands that serve until stopped or fetch from the network: not run here, and why. */
const NOT_RUN: Record<string, string> = {
  bot: 'serves Slack until stopped (test/private-slack.test.ts tries the bot)',
  worker: 'takes jobs until stopped',
  'data pull': 'fetches from the network',
};

/** Every file under `p` (itself if a file), with its text. */
function filesIn(p: string): { file: string; text: string }[] {
  if (!existsSync(p)) return [];
  if (!statSync(p).isDirectory()) return [{ file: p, text: readFileSync(p, 'utf8') }];
  return readdirSync(p).flatMap((f) => filesIn(path.join(p, f)));
}

describe('a private task in a terminal: every command of the table', () => {
  let onPrem: Awaited<ReturnType<typeof localChatServer>>;
  let external: Awaited<ReturnType<typeof localChatServer>>;
  let env: Record<string, string>;
  let runId: string;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-private-cli-'));

  beforeAll(async () => {
    onPrem = await localChatServer(() => "['秘匿薬ベータ']", 0, true);
    external = await localChatServer(() => "['秘匿薬ベータ']", 0, true);
    env = {
      ...FIXTURE_ENV,
      JCB_MODELS: privateModels(onPrem.url, 'on-premises', external.url),
      JCB_TASKS: PRIVATE_TASKS,
      JCB_PACKS_TASKS: '/nonexistent',
      JCB_STORE: path.join(dir, 'jcb.sqlite'),
      JCB_JUDGE_MODEL: 'ext-llm',
      REDIS_URL: 'redis://127.0.0.1:1',
    };
    const services = createServices({ env, tokenizer: inThreadTokenizer() });
    runId = (await services.evaluate({ task: TASK, model: 'ward-llm', shot: 'zero', startedBy: 'terminal' })).run.id;
    await services.close();
  }, 60_000);
  afterAll(async () => {
    await onPrem.close();
    await external.close();
  });

  function jcb(args: string[]) {
    return new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
        cwd: dir,
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('close', (code) => resolve({ code, out, err }));
    });
  }

  /**
   * The command's words: the private task, `model` (then another), the private run, a document id, every path
   * option (none with `views`, which then gives the private run's shot and our runs rather than the paper's
   * where a command offers both: the command shows the task instead of refusing a file).
   */
  function argsOf(
    c: CommandSpec,
    model: string,
    n: number,
    includePrivate: boolean,
    views = false,
  ): { args: string[]; written: string[] } {
    const models = [model, 'baseline'];
    const positionals = c.positionals.flatMap((p) => {
      if (/run/.test(p.shown)) return [runId];
      if (p.kind === 'model') return [models.shift()!];
      if (p.kind === 'task') return [TASK];
      if (/doc-id/.test(p.shown)) return ['w2'];
      return [];
    });
    const written: string[] = [];
    const options = c.options.flatMap((o) => {
      if (views || !offeredOn(o.faces, 'terminal') || (o.path !== 'file' && o.path !== 'folder')) return [];
      const target = path.join(
        dir,
        `${n}-${o.name}${o.path === 'folder' ? '' : o.name === 'chart' ? '.svg' : o.name === 'output' ? '.csv' : '.jsonl'}`,
      );
      written.push(target);
      return [`--${o.name}`, target];
    });
    const has = (name: string) => c.options.some((o) => o.name === name && offeredOn(o.faces, 'terminal'));
    const flags = includePrivate && has('include-private') ? ['--include-private'] : [];
    const shown = views ? [...(has('shot') ? ['--shot', 'zero'] : []), ...(has('source') ? ['--source', 'runs'] : [])] : [];
    return { args: [...c.name.split(' '), ...positionals, ...options, ...flags, ...shown], written };
  }

  const terminal = COMMANDS.filter((c) => offeredOn(c.faces, 'terminal') && !(c.name in NOT_RUN));
  let n = 0;

  it('reads what each command does with a private task from the command table (every command declares it)', () => {
    for (const c of COMMANDS) expect(PRIVATE_DATA, c.name).toContain(c.privateData);
  });

  /** The audit of private tasks as the store holds it (`jcb audit`'s second table). */
  async function accessRows() {
    const services = createServices({ env, tokenizer: inThreadTokenizer() });
    try {
      return await services.privateAccess(10_000);
    } finally {
      await services.close();
    }
  }
  const shownBy: string[] = [];

  it.each(terminal.map((c) => ({ name: c.name, c })))(
    'jcb $name with an external model: refused or nothing sent, no private file, every view recorded',
    async ({ c }) => {
      const { args, written } = argsOf(c, 'ext-llm', ++n, false);
      const before = new Set((await accessRows()).map((a) => a.at + a.act + a.place));
      const r = await jcb(args);
      expect(external.calls(), `jcb ${args.join(' ')}`).toBe(0);
      if (c.privateData === 'sends') {
        expect(r.code).toBe(1);
        expect(r.err.trim().split('\n')).toEqual([expect.stringMatching(/^jcb: ward-meds is private: /)]);
      }
      for (const f of written.flatMap(filesIn)) expect(f.text, f.file).not.toMatch(PRIVATE_MARK);
      // Every view of the private task is recorded (who, what, where) as the command table's `privateData` says:
      // scores only or its text; a command that reaches no task's data records nothing.
      const rows = (await accessRows()).filter((a) => !before.has(a.at + a.act + a.place));
      const view = commandView(c.privateData, 'terminal');
      if (!view) expect(rows, `jcb ${args.join(' ')}`).toEqual([]);
      else if (SHOWN.test(r.out)) {
        shownBy.push(c.name);
        const row = { user: 'terminal', act: c.name, task: TASK, place: 'terminal', view };
        expect(rows, `jcb ${args.join(' ')}`).toContainEqual(expect.objectContaining(row));
      }
    },
    60_000,
  );

  const viewers = terminal.filter((c) => commandView(c.privateData, 'terminal') === 'scores');
  it.each(viewers.map((c) => ({ name: c.name, c })))(
    'jcb $name showing the private task (its shot, our runs): recorded as a scores-only view',
    async ({ c }) => {
      const { args } = argsOf(c, 'ward-llm', ++n, false, true);
      const before = new Set((await accessRows()).map((a) => a.at + a.act + a.place));
      const r = await jcb(args);
      expect(r.out, `jcb ${args.join(' ')}`).not.toMatch(PRIVATE_MARK);
      if (!SHOWN.test(r.out)) return;
      shownBy.push(c.name);
      const rows = (await accessRows()).filter((a) => !before.has(a.at + a.act + a.place));
      const row = { user: 'terminal', act: c.name, task: TASK, place: 'terminal', view: 'scores' };
      expect(rows, `jcb ${args.join(' ')}`).toContainEqual(expect.objectContaining(row));
    },
    60_000,
  );

  it("found the private task in the boards, comparisons and lists it sweeps (scores only, recorded so)", () => {
    expect(shownBy).toEqual(expect.arrayContaining(['leaderboard', 'compare', 'runs', 'show', 'status']));
  });

  const writers = terminal.filter((c) => c.options.some((o) => o.path === 'file' || o.path === 'folder'));
  it.each(writers.map((c) => ({ name: c.name, c })))(
    'jcb $name on the private task with the on-premises model: files only with --include-private, marked',
    async ({ c }) => {
      const without = argsOf(c, 'ward-llm', ++n, false);
      await jcb(without.args);
      for (const f of without.written.flatMap(filesIn)) expect(f.text, f.file).not.toMatch(PRIVATE_MARK);
      const withFlag = argsOf(c, 'ward-llm', ++n, true);
      if (!withFlag.args.includes('--include-private')) return;
      const r = await jcb(withFlag.args);
      expect(r.code, r.err).toBe(0);
      // Every file holding the task (its text or its id: a board of the paper's settings holds neither) says so.
      const holding = withFlag.written
        .flatMap(filesIn)
        .filter((f) => PRIVATE_MARK.test(f.text) || f.text.includes(TASK));
      for (const f of holding) expect(f.text, f.file).toContain(PRIVATE_CAPTION);
      expect(external.calls()).toBe(0);
    },
    // Two runs of the program, a chart among them: over a minute on a loaded 2-core machine.
    150_000,
  );
});
