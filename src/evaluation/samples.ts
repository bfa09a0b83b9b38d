// `jcb eval --log-samples FILE`: one JSON line per document, as lm-evaluation-harness writes its samples.
import type { RunDocument } from '../store/store.js';
import type { Explanation } from '../tasks/explanation.js';
import { forPeople } from '../base/shown.js';
import { findTask } from './documents.js';
import { isPrivate, PRIVATE_CAPTION } from '../policy/data-policy.js';

/**
 * JSONL text: per stored document {task, doc_id, prompt_hash, status, output, thinking, incomplete, parsed,
 * parse_ok, parse_problem, gold, scores, explanation, error, reasoning_tokens, reasoning_estimated}; `parsed` is
 * the task parser's reading of the output (the answer: `thinking` is what the model thought before it, never
 * parsed); `explanation` the values the score came from (src/tasks/explanation.ts), `explanations[i]` for docs[i].
 */
export function sampleLines(docs: readonly RunDocument[], explanations: readonly (Explanation | null)[] = []): string {
  return docs
    .map((d, i) => {
      const task = findTask(d.task);
      const parsed = d.output === null ? null : task.parse(d.output);
      return JSON.stringify({
        // A private task's line says so in a column of its own (src/policy/data-policy.ts).
        ...(isPrivate(task) && { data: PRIVATE_CAPTION }),
        task: d.task,
        doc_id: d.doc_id,
        prompt_hash: d.prompt_hash,
        status: d.status,
        output: d.output,
        thinking: d.thinking,
        incomplete: d.incomplete,
        parsed: parsed?.value ?? null,
        parse_ok: parsed?.ok ?? null,
        parse_problem: d.parse_problem,
        gold: d.gold === null ? null : (JSON.parse(d.gold) as unknown),
        scores: d.scores === null ? null : (JSON.parse(d.scores) as unknown),
        explanation: explanations[i] ?? null,
        // Stored failure text as the terminal shows it (the operator's fix written out, never its marker).
        error: d.error === null ? null : forPeople(d.error, 'terminal'),
        reasoning_tokens: d.reasoning_tokens,
        reasoning_estimated: d.reasoning_estimated === 1,
      });
    })
    .map((line) => `${line}\n`)
    .join('');
}
