// LLM-as-judge: a model scores a generated text on the human criteria (1–5) against the source and the
// reference, with a fixed rubric whose version is stored with every judgement.
import type { ModelProvider } from '../models/provider.js';
import { CRITERIA, DEFINITIONS, type Criterion } from '../ratings/ratings.js';
import type { Task } from '../tasks/types.js';

export const RUBRIC_VERSION = 'jcb-rubric-1';

export function rubricPrompt(source: string, reference: string, output: string): string {
  return [
    'あなたは臨床文書の要約・平易化を評価する医師です。以下の基準で「出力」を1〜5の整数で評価してください（5が最良）。',
    ...CRITERIA.map((c) => `- ${DEFINITIONS[c]}`),
    '',
    '### 原文',
    source,
    '',
    '### 参照（医師が書いたもの）',
    reference,
    '',
    '### 出力',
    output,
    '',
    '次のJSONだけを返してください: {"consistency": n, "saliency": n, "fluency": n}',
  ].join('\n');
}

/** The judge's answer, or the criteria it left unreadable as null. */
export function readJudgement(text: string): Record<Criterion, number | null> {
  const out = {} as Record<Criterion, number | null>;
  for (const c of CRITERIA) {
    const m = new RegExp(`"?${c}"?\\s*[:：]\\s*([1-5])`).exec(text);
    out[c] = m ? Number(m[1]) : null;
  }
  return out;
}

export async function judge(provider: ModelProvider, task: Task, source: string, reference: string, output: string) {
  const prompt = rubricPrompt(source, reference, output);
  const document = { id: 'judge', text: source, fields: {}, gold: reference };
  const answer = await provider.generate({ task, document, shot: 'zero', prompt });
  return readJudgement(answer.output);
}

/** Spearman's rank correlation (average ranks for ties); null with fewer than three pairs or no spread. */
export function spearman(x: readonly number[], y: readonly number[]): number | null {
  if (x.length < 3) return null;
  const ranks = (v: readonly number[]) => {
    const order = v.map((value, i) => ({ value, i })).sort((a, b) => a.value - b.value);
    const r = new Array<number>(v.length);
    for (let i = 0; i < order.length;) {
      let j = i;
      while (j + 1 < order.length && order[j + 1].value === order[i].value) j++;
      for (let k = i; k <= j; k++) r[order[k].i] = (i + j) / 2 + 1;
      i = j + 1;
    }
    return r;
  };
  const [rx, ry] = [ranks(x), ranks(y)];
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  const [mx, my] = [mean(rx), mean(ry)];
  let num = 0;
  let dx = 0;
  let dy = 0;
  for (let i = 0; i < rx.length; i++) {
    num += (rx[i] - mx) * (ry[i] - my);
    dx += (rx[i] - mx) ** 2;
    dy += (ry[i] - my) ** 2;
  }
  return dx === 0 || dy === 0 ? null : num / Math.sqrt(dx * dy);
}
