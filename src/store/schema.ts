// The results store's tables, as Kysely sees them. JSON goes in text columns: one schema for SQLite and PostgreSQL.
import type { Generated } from 'kysely';

export interface RunsTable {
  id: string;
  model: string;
  provider: string;
  /** The provider's fingerprint (model, server, parameters) and the engine, as JSON: what produced the outputs. */
  engine: string;
  shot: string;
  /** JSON array of task ids. */
  tasks: string;
  doc_limit: number | null;
  status: string;
  created_at: string;
  updated_at: string;
  /** Documents a queued run covers (null for runs done in one process). */
  planned: number | null;
  /** Who started it (a Slack user id, or `terminal`); null for runs stored before owners were kept. */
  started_by: string | null;
  /** A queued run's `--max-cost` in US dollars: workers stop it once that is spent (null: no limit). */
  max_cost_usd: number | null;
  /** When the limit was set (ISO time): what the run's calls cost since then counts against it. */
  budget_since: string | null;
  /**
   * The CCA label version (`paper`, `reviewed`: src/release/views.ts) the run's CCA documents were scored on and
   * whose options its prompts offered; null for a run without CCA. Runs stored before issue 22: `reviewed`.
   */
  label_version: string | null;
  /**
   * Issue 22: the document set asked for (`paper`, `all`); null for runs stored before, which took every row
   * jcb read then (src/tasks/documents.ts documentSetOf). Optional so that a run written without it is a legacy one.
   */
  document_set?: string | null;
  /** The documents the run planned, over all its settings (null before issue 22). */
  document_count?: number | null;
  /** The release's commit (its manifest's) the run read; null before issue 22 or for task files alone. */
  release_commit?: string | null;
  /**
   * Issue 24: what the run was started with that decides its scores besides `engine` (declared tasks' file
   * hashes, the model's thinking/answer split), JSON (src/evaluation/run-assumptions.ts); null before step 034.
   */
  assumptions?: string | null;
  /** The queue (JCB_QUEUE_PREFIX) a queued run was queued on: only its deployment re-queues it; null before step 038. */
  queue?: string | null;
  /** A run stopped as `stalled`: why, in one line (src/queue/background.ts stopStalled); null otherwise, before step 039. */
  stall_reason?: string | null;
  /** A foreground run's process: its host name, pid, start identity (src/evaluation/owner.ts) and random token; null otherwise, before step 040. */
  owner_host?: string | null;
  owner_pid?: number | null;
  owner_start?: string | null;
  owner_token?: string | null;
  /** When the owning process last said it works (ISO time); null without an owner. */
  heartbeat_at?: string | null;
}

/** Where a run's progress is shown, e.g. target `slack:C0123`, message_id its ts; done once final. */
export interface RunNotificationsTable {
  run_id: string;
  target: string;
  message_id: string;
  done: number;
  created_at: string;
}

export interface RunDocumentsTable {
  run_id: string;
  task: string;
  doc_id: string;
  /** The document's place in the task's list, for aggregating in a fixed order. */
  doc_index: number;
  prompt_hash: string;
  status: string;
  output: string | null;
  parse_ok: number | null;
  parse_problem: string | null;
  /** JSON: the task's per-document numbers (DocScore). */
  scores: string | null;
  /** JSON: the gold the output was scored against. */
  gold: string | null;
  error: string | null;
  attempts: number;
  input_tokens: number | null;
  output_tokens: number | null;
  latency_ms: number | null;
  cached: number;
  finished_at: string;
  /** The provider's finish reason (live answers). */
  finish_reason: string | null;
  /**
   * A live non-answer (`empty`, `truncated`, `filtered`, `refused`, `thinking-only`, `thinking-cut`, `prompt-cut`, `tool-call`),
   * scored as an empty output, asked again on resume.
   */
  incomplete: string | null;
  cached_input_tokens: number | null;
  reasoning_tokens: number | null;
  /** What a reasoning model thought before its answer (never part of `output`, never scored). */
  thinking: string | null;
  /** 1: `reasoning_tokens` counted by jcb from `thinking` (o200k_base), the server reported none. */
  reasoning_estimated: number | null;
  /** 1: `input_tokens` or `output_tokens` counted by jcb, or a cached count dropped: the server's usage was missing or impossible. */
  usage_estimated: number | null;
}

export interface RunScoresTable {
  run_id: string;
  task: string;
  n: number;
  failed: number;
  parse_failures: number;
  /** Done documents the means leave out (Task.leftOut: ROUGE-L's empty outputs); null for runs of before (none counted). */
  left_out: number | null;
  /** JSON: the metrics under the release's keys. */
  metrics: string;
  score: number;
  finished_at: string;
}

export interface ResponseCacheTable {
  key: string;
  output: string;
  /** The thinking that came with the answer (null for answers cached before issue 21, or without any). */
  thinking: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  created_at: string;
}

/** Who asked for which single-document run, for a person's recent history (App Home). */
export interface RequestHistoryTable {
  /** Set by the writer (time and randomness): one id scheme for both dialects. */
  id: string;
  user_id: string;
  /** Where it was asked, e.g. `slack:C0123` or `cli`. */
  origin: string;
  task: string;
  model: string;
  shot: string;
  doc_id: string;
  score: number | null;
  created_at: string;
}

export interface DigestsTable {
  schedule: string;
  posted_at: string;
  /** JSON: { model: { task: score } } as reported. */
  scores: string;
  /** The label version its CCA numbers were computed under (digests before issue 22: `reviewed`). */
  label_version: string | null;
}

export interface RatingsTable {
  rater: string;
  task: string;
  model: string;
  doc_id: string;
  /** Which output was rated (a model can be re-run): sha256 of its text. */
  output_hash: string;
  consistency: number | null;
  saliency: number | null;
  fluency: number | null;
  comment: string | null;
  updated_at: string;
}

export interface JudgementsTable {
  run_id: string;
  task: string;
  doc_id: string;
  judge: string;
  rubric: string;
  consistency: number | null;
  saliency: number | null;
  fluency: number | null;
}

/** One free text sent to a model (issue 14): who, when, where, what was found; never the text unless kept. */
export interface FreeTextAuditTable {
  /** Set by the writer (time and randomness). */
  id: string;
  user_id: string;
  /** `slack:<channel>` or `cli`. */
  origin: string;
  created_at: string;
  model: string;
  /** The model's data policy: external or on-premises. */
  data_policy: string;
  /** What was done: sent (as is), masked (findings replaced by their kind). */
  applied: string;
  /** JSON: count of findings by kind, e.g. {"name":1,"phone":1}. */
  findings: string;
  /** sha256 of the text as written, hex. */
  text_sha256: string;
  /** Length of the text as written, in characters (code points). */
  text_length: number;
  /** Only with JCB_KEEP_FREE_TEXT=1: the text sent and the answer. */
  text: string | null;
  answer: string | null;
}

/** Issue 33: an access to a private task's data: who (a face's user id or `terminal`), what, where. */
export interface PrivateAccessTable {
  id: string;
  created_at: string;
  user_id: string;
  /** `run`, `eval`, `eval --queue`, `export`, `--log-samples`, `-o`, or the command or listener that showed it. */
  act: string;
  task: string;
  model: string | null;
  /** `terminal`, `slack:C0123`, `slack:home`, or the file written. */
  place: string;
  /** `text` (its text sent, shown or written) or `scores` (ids and scores only). */
  view: string;
}

/** A button that acts once (finding 2 of breaker-slack): see migration 036. */
export interface ButtonClaimsTable {
  id: string;
  /** Who may press it (an offer made to one person), or null: anyone. */
  user_id: string | null;
  /** sha256 of the value the offer's button carries, or null. */
  value_hash: string | null;
  /** The nonce of the press that acted, or null while the offer stands. */
  mark: string | null;
  /** What that press did (a run id), once it is known. */
  outcome: string | null;
  expires_at: string;
  created_at: string;
}

export interface Database {
  button_claims: ButtonClaimsTable;
  private_access: PrivateAccessTable;
  free_text_audit: FreeTextAuditTable;
  runs: RunsTable;
  run_documents: RunDocumentsTable;
  run_scores: RunScoresTable;
  response_cache: ResponseCacheTable;
  request_history: RequestHistoryTable;
  run_notifications: RunNotificationsTable;
  digests: DigestsTable;
  ratings: RatingsTable;
  judgements: JudgementsTable;
  /** key 'id': the store's identity (see migration 007). */
  store_meta: { key: string; value: string };
  kysely_migration: { name: string; timestamp: string };
  kysely_migration_lock: { id: string; is_locked: Generated<number> };
}
