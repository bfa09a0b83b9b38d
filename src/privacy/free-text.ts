// The rule for people's own text (issue 14): text with personal information never reaches an external
// model as is; the person may send it masked. Every text sent leaves an audit row with its hash and
// length, never the text (unless JCB_KEEP_FREE_TEXT=1). It fails closed (issue 27): a detector that
// throws, hangs or cannot mask to a fixed point means nothing is sent.
import { createHash, randomBytes } from 'node:crypto';
import { UserError } from '../base/errors.js';
import { dataPolicyOf, type DataPolicy, type ModelConfig } from '../models/registry.js';
import type { Store } from '../store/store.js';
import { detectPersonalInformation, maskToFixedPoint, type Detector, type MaskedText } from './detect.js';
import { KIND_LABELS, type Finding, type FindingKind } from './kinds.js';

/** Raised instead of sending: the text holds findings and the model may not receive them. */
export class FindingsError extends UserError {
  constructor(
    readonly findings: Finding[],
    readonly masked: string,
    readonly model: string,
  ) {
    super(
      `Not sent: your text holds personal information (${summary(findings)}) and ${model} is an external model.`,
      'Send it masked (each finding replaced by its kind, e.g. [氏名]), or choose an on-premises model.',
      {
        hint: 'Add --masked to send it with each finding replaced by its kind (`jcb phi` shows that text), or choose an on-premises model.',
      },
    );
  }
}

/** The check did not answer within its limit (JCB_CHECK_TIMEOUT_MS, in ms). */
class CheckTimeout extends Error {
  constructor(readonly limitMs: number) {
    super(`no answer within ${limitMs} ms`);
  }
}

/** Raised instead of sending when the check itself failed: a crash is a refusal, never a pass. */
export class CheckFailedError extends UserError {
  constructor(cause: unknown) {
    // A timeout is the machine's state, not the text's (a short text times out as well on a busy machine).
    if (cause instanceof CheckTimeout) {
      super(
        `The check for personal information did not finish within ${cause.limitMs / 1000} s: nothing was sent.`,
        'The machine is busy (the first check also loads its dictionary): try again in a moment.',
        {
          detail: 'JCB_CHECK_TIMEOUT_MS',
          hint: 'The machine is busy (the first check also loads its dictionary): try again in a moment, or raise JCB_CHECK_TIMEOUT_MS.',
        },
      );
      return;
    }
    // An operator's mistake (an unreadable facility list) is said; anything else is not shown.
    const why = cause instanceof UserError ? ` (${cause.message.replace(/\.$/, '')})` : '';
    super(
      `The check for personal information failed on this text${why}: nothing was sent.`,
      // The operator's mistake has its own remedy; a shorter text would fail the same way.
      (cause instanceof UserError && cause.hint) || 'Try again, or send a shorter part of the text.',
      cause instanceof UserError ? cause.terminal : undefined,
    );
  }
}

/** How long the check may take before it counts as failed (the first call loads a dictionary). */
const CHECK_TIMEOUT_MS = 30_000;

/**
 * The findings in `text` and the text masked to a fixed point, or CheckFailedError on any error or
 * after JCB_CHECK_TIMEOUT_MS (default 30 s).
 */
export async function checkText(text: string, detect: Detector, env: NodeJS.ProcessEnv): Promise<MaskedText> {
  const limit = Number(env.JCB_CHECK_TIMEOUT_MS) || CHECK_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckTimeout(limit)), limit);
  });
  try {
    return await Promise.race([maskToFixedPoint(text, detect), late]);
  } catch (err) {
    throw new CheckFailedError(err);
  } finally {
    clearTimeout(timer);
  }
}

/** "2 氏名, 1 電話番号" */
export function summary(findings: readonly Finding[]): string {
  return Object.entries(countByKind(findings))
    .map(([kind, n]) => `${n} ${KIND_LABELS[kind as FindingKind]}`)
    .join(', ');
}

export function countByKind(findings: readonly Finding[]): Partial<Record<FindingKind, number>> {
  const counts: Partial<Record<FindingKind, number>> = {};
  for (const f of findings) counts[f.kind] = (counts[f.kind] ?? 0) + 1;
  return counts;
}

export interface GuardedText {
  /** The text to send: the original, or the masked one. */
  text: string;
  applied: 'sent' | 'masked';
  dataPolicy: DataPolicy;
  findings: Finding[];
}

/**
 * Decides what may be sent to `model`. Findings and an external model (or JCB_FREE_TEXT_POLICY=mask-always):
 * masked if `masked` was chosen, else a FindingsError. An on-premises model gets the text as is.
 * @throws CheckFailedError when the check fails (nothing may be sent), FindingsError as above.
 */
export async function guardFreeText(
  text: string,
  model: ModelConfig,
  masked: boolean,
  env: NodeJS.ProcessEnv,
  detect: Detector = detectPersonalInformation,
): Promise<GuardedText> {
  const dataPolicy = dataPolicyOf(model);
  const { findings, masked: maskedText } = await checkText(text, detect, env);
  const mustMask = findings.length > 0 && (dataPolicy === 'external' || env.JCB_FREE_TEXT_POLICY === 'mask-always');
  if (!mustMask) return { text, applied: 'sent', dataPolicy, findings };
  if (!masked) throw new FindingsError(findings, maskedText, model.alias);
  return { text: maskedText, applied: 'masked', dataPolicy, findings };
}

export interface AuditEntry {
  user: string;
  origin: string;
  model: string;
  /** The original text: only its hash and length are stored, unless JCB_KEEP_FREE_TEXT=1. */
  original: string;
  guarded: GuardedText;
  answer: string;
}

export async function recordFreeText(store: Store, e: AuditEntry, env: NodeJS.ProcessEnv): Promise<void> {
  const created = new Date().toISOString();
  const keep = env.JCB_KEEP_FREE_TEXT === '1';
  // Under the store's retry: the row's id is made once, so a retried insert adds nothing.
  await store.query((db) =>
    db
      .insertInto('free_text_audit')
      .values({
        id: `${created}-${randomBytes(4).toString('hex')}`,
        user_id: e.user,
        origin: e.origin,
        created_at: created,
        model: e.model,
        data_policy: e.guarded.dataPolicy,
        applied: e.guarded.applied,
        findings: JSON.stringify(countByKind(e.guarded.findings)),
        text_sha256: createHash('sha256').update(e.original).digest('hex'),
        text_length: Array.from(e.original).length,
        text: keep ? e.guarded.text : null,
        answer: keep ? e.answer : null,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute(),
  );
}

export interface AuditRow {
  user: string;
  origin: string;
  at: string;
  model: string;
  dataPolicy: string;
  applied: string;
  findings: Partial<Record<FindingKind, number>>;
  sha256: string;
  length: number;
  kept: boolean;
}

/** The latest audit rows, newest first. */
export async function auditRows(store: Store, limit = 100): Promise<AuditRow[]> {
  const rows = await store.query((db) =>
    db.selectFrom('free_text_audit').selectAll().orderBy('id', 'desc').limit(limit).execute(),
  );
  return rows.map((r) => ({
    user: r.user_id,
    origin: r.origin,
    at: r.created_at,
    model: r.model,
    dataPolicy: r.data_policy,
    applied: r.applied,
    findings: JSON.parse(r.findings) as AuditRow['findings'],
    sha256: r.text_sha256,
    length: r.text_length,
    kept: r.text !== null,
  }));
}
