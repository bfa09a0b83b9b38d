// A `run` in a thread: the parent message (what ran, the score, what to try next) and its replies.
import type { KnownBlock } from '@slack/types';
import { z } from 'zod';
import { metricsText } from '../../src/base/format.js';
import type { RunResult } from '../../src/services/index.js';
import type { Comparison, Metrics } from '../../src/tasks/types.js';
import { explanationText } from '../../src/tasks/explanation.js';
import { LABEL_FILES } from '../../src/release/views.js';
import { entityBlocks, highlighted, listColumns } from './comparison.js';
import { code, context, fields, LIMITS, message, pct, plain, section } from './text.js';
import { codePointLength } from '../../src/base/code-points.js';

export interface Message {
  text: string;
  blocks: KnownBlock[];
}

/** What a button press re-runs; carried in the actions block's id (at most 255 characters). */
export interface RunRef {
  t: string;
  m: string;
  d: string;
  s: 'one' | 'zero';
}

export const RUN_ACTIONS = {
  random: 'run_random_document',
  model: 'run_other_model',
  shot: 'run_other_shot',
  all: 'run_every_document',
} as const;

export function encodeRef(ref: RunRef): string {
  return `run:${JSON.stringify(ref)}`.slice(0, 255);
}

const runRef = z.strictObject({
  t: z.string().min(1),
  m: z.string().min(1),
  d: z.string().min(1),
  s: z.enum(['one', 'zero']),
});

/** The run a button is about, or undefined when the block id is not one of ours (checked whole, zod). */
export function decodeRef(blockId: string | undefined): RunRef | undefined {
  if (!blockId?.startsWith('run:')) return undefined;
  try {
    return runRef.parse(JSON.parse(blockId.slice(4)));
  } catch {
    return undefined;
  }
}

const source = (r: RunResult) =>
  r.model.provider === 'replay' ? 'replay of the released generation' : r.model.provider;

const formatMetrics = (m: Metrics) => metricsText(m, (n) => `*${n}*`);

export function runParent(r: RunResult, models: readonly { alias: string; label: string }[]): Message {
  const ref: RunRef = { t: r.task.id, m: r.model.alias, d: r.document.id, s: r.shot };
  const otherShot = r.shot === 'one' ? 'zero' : 'one';
  const text = `${r.task.label} · ${r.model.alias} (${source(r)}) · ${r.shot}-shot · document ${r.document.id}: ${r.task.metric} ${pct(r.score)}`;
  return message(text, [
    section(
      `*${r.task.label}* — ${r.task.title}${r.task.about ? ` _(${r.task.about})_` : ''}\n*${r.model.label}* (\`${r.model.alias}\`, _${source(r)}_) · ${r.shot}-shot · document \`${r.document.id}\`\n*${r.task.metric} ${pct(r.score)}*`,
    ),
    {
      type: 'actions',
      block_id: encodeRef(ref),
      elements: [
        {
          type: 'button',
          action_id: RUN_ACTIONS.random,
          text: plain('Another random document', LIMITS.buttonText),
        },
        {
          type: 'static_select',
          action_id: RUN_ACTIONS.model,
          placeholder: plain('Same document, another model', LIMITS.placeholder),
          options: models
            .slice(0, 100)
            .map((m) => ({ text: plain(`${m.label} (${m.alias})`, LIMITS.optionText), value: m.alias })),
        },
        {
          type: 'button',
          action_id: RUN_ACTIONS.shot,
          text: plain(`Same document, ${otherShot}-shot`, LIMITS.buttonText),
        },
        {
          type: 'button',
          action_id: RUN_ACTIONS.all,
          text: plain('Evaluate on every document', LIMITS.buttonText),
        },
      ],
    },
    context('Details in the thread.'),
  ]);
}

export function comparisonBlocks(c: Comparison, metric: string, metrics: Metrics): KnownBlock[] {
  switch (c.kind) {
    case 'items':
      return listColumns(c);
    case 'texts':
      return [
        fields(
          `*Gold*\n${c.gold}`,
          c.highlight
            ? `*Output* (as scored; in bold the tokens ${metric} matched)\n${highlighted(c.highlight)}`
            : `*Output* (as scored)\n${c.output ? c.output : '_empty_'}`,
        ),
        context(`${metric} (×100): ${formatMetrics(metrics)}`),
      ];
    case 'entities':
      return entityBlocks(c);
    case 'labels':
      return [fields(`*Gold*\n${c.gold}`, `*Output*\n${c.predicted}`)];
  }
}

/** The document's gold under the other label version, where it differs (CCA: data.csv vs data_old.csv). */
const otherGoldBlock = (g: NonNullable<RunResult['otherGold']>, metric: string): KnownBlock =>
  section(
    `*Gold under the ${g.labels} labels* (${LABEL_FILES[g.labels].file}, ${LABEL_FILES[g.labels].released}) differs from the one scored above; the same output scores ${metric} ${pct(g.score)} under it:\n${g.gold}`,
  );

export function runReplies(r: RunResult): Message[] {
  return [
    message(`Document ${r.document.id}`, [
      section(`*Document* \`${r.document.id}\``),
      code(r.document.text || '(no text)'),
    ]),
    message('Gold and output', [
      section(`*Model output* (${r.model.provider === 'replay' ? 'replayed' : 'live'})`),
      code(r.output || '(empty)'),
      ...(r.incomplete ? [context(`:warning: ${r.incomplete}: scored as an empty output.`)] : []),
      ...comparisonBlocks(r.comparison, r.task.metric, r.metrics),
      ...(r.explanation ? [context(`*Why this score:* ${explanationText(r.explanation)}`)] : []),
      ...(r.otherGold ? [otherGoldBlock(r.otherGold, r.task.metric)] : []),
      ...(r.parse.ok
        ? []
        : [
            context(
              `:warning: ${r.parse.problem ?? 'the output could not be read'} — scored all the same, as the release did.`,
            ),
          ]),
    ]),
    // The thinking in a reply of its own after the answer: never mixed into the output that is scored.
    ...(r.thinking ? [thinkingReply(r.thinking)] : []),
    message(`Scores: ${r.task.metric} ${pct(r.score)}`, [
      section(`*Scores* (×100) — ${r.task.metric} *${pct(r.score)}*\n${formatMetrics(r.metrics)}`),
    ]),
  ];
}

/** A reasoning model's thinking, as a reply of its own below the answer (Slack folds a long one under "Show more"). */
export function thinkingReply(thinking: string): Message {
  const chars = codePointLength(thinking);
  return message(`Thinking (${chars} characters, not scored)`, [
    context(`*Thinking* before the answer: ${chars.toLocaleString('en-US')} characters, not scored.`),
    code(thinking),
  ]);
}
