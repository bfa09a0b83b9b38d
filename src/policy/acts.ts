// Who may do what in Slack: one row per act the bot can do. Every listener asks `authorize` (or `may`, to
// decide what to offer), so nothing offered is then refused; the README's table is `actsTable()`.
import { UserError } from '../base/errors.js';
import { mayShowText, requireMayReceive, type PolicyModel } from './data-policy.js';
import { requireOwnerOrAdmin } from './ownership.js';
import type { Task } from '../tasks/types.js';

/**
 * Who may do an act (an admin, JCB_ADMINS, may do every act):
 * - `anyone`: anyone in the workspace;
 * - `allowed`: the allow-list (JCB_BOT_ALLOWED_USERS, and JCB_BOT_ALLOWED_CHANNELS for where), open to all
 *   when unset: live models cost money and send text out;
 * - `owner`: the person who started the run;
 * - `member`: a member of the channel the act posts into;
 * - `admin`: admins only.
 */
export type Who = 'anyone' | 'allowed' | 'owner' | 'member' | 'admin';

/**
 * What an act does with a task's text (documents, gold, outputs, thinking), for the data policy
 * (src/policy/data-policy.ts): `sends` it to a model (a private task: only to an on-premises one; the Slack face
 * then shows ids, scores and marks only), `answers` free text with it in Slack (refused for a private task:
 * the answer is all it shows), `shows` it in Slack (a private task's: ids, scores and marks only), or `none`.
 */
export type TextUse = 'sends' | 'answers' | 'shows' | 'none';

export const ACTS = {
  'run-replay': { text: 'shows', who: 'anyone', what: 'run one document on a replayed model or the baseline' },
  'run-live': { text: 'sends', who: 'allowed', what: 'run one document on a live model' },
  'free-text': {
    text: 'answers',
    who: 'allowed',
    what: "send one's own text to a model (per its data policy), or send it masked",
  },
  'eval-replay': { text: 'shows', who: 'anyone', what: 'evaluate a replayed model or the baseline on every document' },
  'eval-live': {
    text: 'sends',
    who: 'allowed',
    what: 'evaluate a live model on every document (after its cost is confirmed)',
  },
  cancel: { text: 'none', who: 'owner', what: 'cancel a background run' },
  requeue: { text: 'sends', who: 'owner', what: 're-queue a run (`eval --run`)' },
  judge: { text: 'sends', who: 'owner', what: "judge a run's outputs with the LLM judge" },
  rate: { text: 'shows', who: 'anyone', what: 'rate an output (1–5), alone or in a blind batch' },
  comment: { text: 'shows', who: 'anyone', what: 'comment on an output' },
  read: {
    text: 'shows',
    who: 'anyone',
    what: 'read help, tasks, models, status, leaderboards, comparisons and ratings where they asked',
  },
  'post-leaderboard': { text: 'shows', who: 'member', what: 'post a leaderboard into another channel (`--post`)' },
  digest: {
    text: 'shows',
    who: 'admin',
    what: "post schedules' digests on demand (`/jcb digest`; scheduled ones are posted anyway)",
  },
  audit: { text: 'none', who: 'admin', what: 'read the free-text audit (`/jcb audit`)' },
  home: { text: 'shows', who: 'anyone', what: 'open App Home (leaderboards, their own recent runs)' },
} as const satisfies Record<string, { text: TextUse; who: Who; what: string }>;

export type Act = keyof typeof ACTS;
export const ACT_IDS = Object.keys(ACTS) as Act[];

/** The settings the rules read (ids as the face knows them, e.g. Slack user and channel ids). */
export interface ActPolicy {
  admins: readonly string[];
  allowedUsers: readonly string[];
  allowedChannels: readonly string[];
  /**
   * Whether a user is a guest of the workspace (Slack: a multi- or single-channel guest), undefined when the face
   * could not tell (then treated as a guest). Absent: the face has no guests.
   */
  guest?: (user: string) => boolean | undefined;
}

/**
 * What a guest (an outside person) may do: what anyone may, and cancel their own run; never an act that sends
 * text to a model or answers with it (they cost money or send text out), nor one of an admin, the allow-list or
 * a channel's members, whatever JCB_ADMINS or the allow-list say.
 */
export const guestMay = (act: Act): boolean =>
  ACTS[act].who === 'anyone' || (ACTS[act].who === 'owner' && ACTS[act].text === 'none');

/** Who asks, and what the rule of the act needs to know. */
export interface Asker {
  user: string;
  /** The channel the act happens in (for the channel allow-list). */
  channel?: string;
  /** For `owner` acts: the run (its owner), when it exists. */
  run?: { id: string; started_by: string | null };
  /** For `member` acts: whether the user is a member of the target channel. */
  member?: boolean;
  /** The task the act is about and the model it would send to, for the data policy (its `text` column). */
  data?: { task: Pick<Task, 'id' | 'origin'>; model?: PolicyModel };
}

const REFUSALS: Record<Exclude<Who, 'anyone' | 'owner'>, (what: string) => [string, string]> = {
  allowed: (what) => [`Only some users may ${what} here.`, 'Ask an admin, or use a replayed model or the baseline.'],
  member: (what) => [`Only members of that channel, or an admin, may ${what}.`, 'Join it first, or ask an admin.'],
  admin: (what) => [`Only an admin may ${what}.`, 'Ask an admin.'],
};

const GUEST = (what: string): [string, string] => [
  `Guests of this workspace may not ${what}.`,
  'Ask a member of the workspace, or use a replayed model or the baseline.',
];
const UNKNOWN = (what: string): [string, string] => [
  `Slack did not say whether you are a guest of this workspace: jcb may not ${what} for you now.`,
  "Try again in a moment; if it goes on, ask the bot's operator.",
];

/**
 * Throws a UserError (one line: who may, what to do) unless `asker` may do `act` under `policy`.
 * An `owner` act on a run that does not exist is let through: the service says the run is unknown.
 */
export function authorize(act: Act, asker: Asker, policy: ActPolicy): void {
  const { who, what } = ACTS[act];
  authorizeText(act, asker.data);
  const guest = policy.guest ? (policy.guest(asker.user) ?? 'unknown') : false;
  if (guest && !guestMay(act)) throw new UserError(...(guest === 'unknown' ? UNKNOWN : GUEST)(what));
  // A guest is never an admin, whatever JCB_ADMINS says.
  const admins = guest ? [] : policy.admins;
  if (who === 'anyone' || admins.includes(asker.user)) return;
  if (who === 'owner') {
    if (asker.run) requireOwnerOrAdmin(asker.run, asker.user, admins, verbOf[act as OwnerAct]);
    return;
  }
  if (who === 'allowed') {
    const userOk = policy.allowedUsers.length === 0 || policy.allowedUsers.includes(asker.user);
    const channelOk =
      policy.allowedChannels.length === 0 || !asker.channel || policy.allowedChannels.includes(asker.channel);
    if (userOk && !channelOk)
      throw new UserError(`This is not enabled in this channel: ${what}.`, REFUSALS.allowed(what)[1]);
    if (userOk) return;
  }
  if (who === 'member' && asker.member) return;
  throw new UserError(...REFUSALS[who as keyof typeof REFUSALS](what));
}

/**
 * The data policy's part, for everyone, admins too: a private task's text goes to no external model, and no
 * answer to free text on it is shown in Slack. (Acts that show text show ids only: their renderers ask
 * `mayShowText`.)
 */
export function authorizeText(act: Act, data: Asker['data']): void {
  const { text } = ACTS[act];
  if (!data) return;
  const { task, model } = data;
  if ((text === 'sends' || text === 'answers') && model) requireMayReceive([task], model);
  if (text === 'answers' && !mayShowText(task, 'slack'))
    throw new UserError(
      `${task.id} is private: an answer to free text on it would show its output in Slack.`,
      "Ask in a terminal on the hospital's side (`jcb ask`), or pick another task.",
    );
}

type OwnerAct = { [K in Act]: (typeof ACTS)[K]['who'] extends 'owner' ? K : never }[Act];
const verbOf: Record<OwnerAct, string> = { cancel: 'cancel', requeue: 're-queue', judge: 'judge' };

/** Whether `asker` may do `act` (what to offer: menus, modal options, buttons). */
export function may(act: Act, asker: Asker, policy: ActPolicy): boolean {
  try {
    authorize(act, asker, policy);
    return true;
  } catch {
    return false;
  }
}

const WHO_TEXT: Record<Who, string> = {
  anyone: 'anyone in the workspace',
  allowed: 'the allow-list (`JCB_BOT_ALLOWED_USERS`, `JCB_BOT_ALLOWED_CHANNELS`; everyone when unset)',
  owner: 'the person who started the run',
  member: 'members of the target channel',
  admin: 'admins only',
};

const TEXT_USE: Record<TextUse, string> = {
  sends: 'on-premises models only; ids, scores and marks shown',
  answers: 'refused (the answer would show it)',
  shows: 'ids, scores and marks only',
  none: 'not involved',
};

/** The README's table of acts (Markdown): act, what it is, who may (admins may do every act). */
export function actsTable(): string {
  return [
    "| act | what | who may (and every admin) | a private task's text |",
    '| --- | --- | --- | --- |',
    ...ACT_IDS.map((a) => `| \`${a}\` | ${ACTS[a].what} | ${WHO_TEXT[ACTS[a].who]} | ${TEXT_USE[ACTS[a].text]} |`),
  ].join('\n');
}
