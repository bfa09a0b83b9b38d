// `jcb doctor`: where each thing jcb uses is, and whether it works, checked without changing anything.
import { UserError } from '../base/errors.js';
import { loadModels, registryPath } from '../models/registry.js';
import { privateTasks } from '../policy/data-policy.js';
import { allTasks } from '../../tasks/index.js';
import { openEvalQueue } from '../queue/eval-queue.js';
import { evictionProblem, redisFailure, redisHealth, unknownPolicyWarning } from '../queue/redis-health.js';
import { probeRedis, RedisRefused } from '../queue/redis-probe.js';
import { redisPlace } from '../queue/settings.js';
import { ENV_SETTINGS, envProblems } from './env.js';
import { forPeople, operatorFixFor } from '../base/shown.js';
import { releaseRoot } from '../release/data-dir.js';
import { jcbHome, releaseLocation } from '../release/locate.js';
import { storeLocation } from '../store/store.js';
import { alive, LOOP_P99_LIMIT_MS, readLoopReport } from './loop.js';
import { nativeLatticeLoad, type NativeLoad } from '../metrics/tokenizer/native-lattice.js';

export interface DoctorItem {
  what:
    | 'per-user folder'
    | 'release'
    | 'store'
    | 'model registry'
    | 'private task'
    | 'tokenizer'
    | 'bot event loop'
    | 'Redis'
    | 'setting'
    | 'Slack';
  where: string;
  ok: boolean;
  /** What works, or what is wrong and what to do. */
  detail: string;
}

const reason = (err: unknown) =>
  operatorFixFor(
    err instanceof UserError ? `${err.message}${err.hint ? ` ${err.hint}` : ''}` : (err as Error).message,
    'terminal',
  );

/** Whether the Redis that answers PING keeps every key (Bull needs maxmemory-policy noeviction). */
async function evictionCheck(env: NodeJS.ProcessEnv): Promise<{ ok: boolean; detail: string }> {
  // A queue object only for its Redis client: nothing is read or written under its name.
  const queue = openEvalQueue(env, 'doctor');
  try {
    const health = await redisHealth(queue.client);
    const problem = evictionProblem(health);
    if (problem) return { ok: false, detail: `answers PING, but ${problem} (see README)` };
    const unknown = unknownPolicyWarning(health);
    return {
      ok: true,
      detail: unknown ? `answers PING; warning: ${unknown}` : 'answers PING, maxmemory-policy noeviction',
    };
  } finally {
    await queue.close().catch(() => {});
  }
}

/**
 * Which ROUGE-L lattice this install runs (src/metrics/tokenizer/native-lattice.ts): the native one, or the
 * TypeScript one (the same tokens, ~2× the time) when JCB_TOKENIZER=js, the addon was not built, or it is there
 * but will not load (built for another Node.js, a damaged file). Never a failure. `load`: this thread's look.
 */
export function tokenizerItem(load: NativeLoad = nativeLatticeLoad()): DoctorItem {
  const where = 'ROUGE-L (MeCab-exact IPADIC)';
  if (load.lattice) return { what: 'tokenizer', where, ok: true, detail: 'native lattice' };
  const rebuild = '`npm run build:native` (needs a C++ compiler and make)';
  const why =
    load.why === 'off'
      ? 'JCB_TOKENIZER=js'
      : load.why === 'not built'
        ? `the native one is not built: ${rebuild}`
        : `the native one is built but could not be loaded (${load.reason}): rebuild it with ${rebuild}`;
  return {
    what: 'tokenizer',
    where,
    ok: true,
    detail: `TypeScript lattice (${why}); the same tokens, about 2× slower`,
  };
}

/** The event-loop delay the bot last reported (src/services/loop.ts); no bot is not a problem. */
function botLoopItem(env: NodeJS.ProcessEnv): DoctorItem {
  const r = readLoopReport(env);
  const where = `${jcbHome(env)}/bot-event-loop.json`;
  if (!r) return { what: 'bot event loop', where, ok: true, detail: 'no bot has reported here yet' };
  const running = alive(r.pid) ? `bot ${r.pid} running` : `bot ${r.pid} no longer running`;
  const slow = r.p99 > LOOP_P99_LIMIT_MS;
  return {
    what: 'bot event loop',
    where,
    ok: !slow || !alive(r.pid),
    detail:
      `delay p99 ${r.p99} ms, p50 ${r.p50} ms, max ${r.max} ms over ${Math.round(r.windowMs / 1000)} s to ${r.at} (${running})` +
      (slow ? `; over ${LOOP_P99_LIMIT_MS} ms: Slack's acknowledgements are late` : ''),
  };
}

/**
 * Checks the release (sizes against the manifest), the store (opened by `openStore`), the registry and Redis. What
 * it says is shown as every failure of jcb is (forPeople): an address in a cause (a PostgreSQL or git error naming
 * its URL) is `[address]`, never a URL that may carry a password.
 */
export async function doctor(env: NodeJS.ProcessEnv, openStore: () => Promise<string>): Promise<DoctorItem[]> {
  const shown = (text: string) => forPeople(text, 'terminal');
  return (await checks(env, openStore)).map((i) => ({ ...i, where: shown(i.where), detail: shown(i.detail) }));
}

async function checks(env: NodeJS.ProcessEnv, openStore: () => Promise<string>): Promise<DoctorItem[]> {
  // Every bad setting, each a line (a command refuses the first of those it reads); what it points to is not looked
  // at as if it were unset (an empty JCB_DATA_DIR is no "JCB_DATA_DIR is not set").
  const problems = envProblems(env);
  const bad = (...names: string[]) => problems.some((p) => names.includes(p.name));
  const items: DoctorItem[] = problems.map((p) => ({
    what: 'setting',
    where: p.name,
    ok: false,
    detail: reason(p.error),
  }));
  const home = !bad('HOME', 'XDG_DATA_HOME', 'JCB_HOME'); // the per-user folder holds the defaults of the others
  if (home)
    items.push({ what: 'per-user folder', where: jcbHome(env), ok: true, detail: 'JCB_HOME, else $XDG_DATA_HOME/jcb' });
  if (home && !bad('JCB_DATA_DIR', 'JCB_RELEASE_MANIFEST')) items.push(releaseItem(env));
  if (home && !bad('JCB_STORE', 'DATABASE_URL')) items.push(await storeItem(env, openStore));
  if (!bad('JCB_MODELS')) items.push(...registryItems(env));
  items.push(tokenizerItem());
  if (home) items.push(botLoopItem(env));
  // Redis is checked with every setting of its own good (a bad queue number was said again as a Redis failure).
  if (!bad(...ENV_SETTINGS.filter((s) => s.service === 'Redis').map((s) => s.name))) items.push(await redisItem(env));
  return items;
}

function releaseItem(env: NodeJS.ProcessEnv): DoctorItem {
  const { dir, configured } = releaseLocation(env);
  try {
    releaseRoot(env);
    return { what: 'release', where: dir, ok: true, detail: `whole (sizes)${configured ? ', from JCB_DATA_DIR' : ''}` };
  } catch (err) {
    return { what: 'release', where: dir, ok: false, detail: reason(err) };
  }
}

async function storeItem(env: NodeJS.ProcessEnv, openStore: () => Promise<string>): Promise<DoctorItem> {
  const store = storeLocation(env);
  const where = store.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : store.file;
  try {
    await openStore();
    return { what: 'store', where, ok: true, detail: 'opens, schema up to date' };
  } catch (err) {
    return { what: 'store', where, ok: false, detail: reason(err) };
  }
}

/** The registry, then each private task and the models its text may go to (src/policy/data-policy.ts). */
function registryItems(env: NodeJS.ProcessEnv): DoctorItem[] {
  try {
    const models = loadModels(env);
    return [
      { what: 'model registry', where: registryPath(env), ok: true, detail: `${models.length} models` },
      ...privateTasks(allTasks(), models).map((p) => ({
        what: 'private task' as const,
        where: p.task,
        ok: true,
        detail: `private: sent only to ${p.allowed.join(', ') || 'no model (mark one `dataPolicy: on-premises`)'}; never shown in Slack; files only with --include-private`,
      })),
    ];
  } catch (err) {
    return [{ what: 'model registry', where: registryPath(env), ok: false, detail: reason(err) }];
  }
}

async function redisItem(env: NodeJS.ProcessEnv): Promise<DoctorItem> {
  const where = redisPlace(env); // host:port/db as the store's PostgreSQL is shown: never the URL and its password
  try {
    await probeRedis(env);
    return { what: 'Redis', where, ...(await evictionCheck(env)) };
  } catch (err) {
    return {
      what: 'Redis',
      where,
      ok: false,
      // A refusal (a password, a database) in its own words; else in words, not Node's codes (ECONNREFUSED).
      detail:
        err instanceof RedisRefused
          ? reason(err)
          : `${redisFailure(err)}: background evaluations (--queue, worker, bot) need it; start Redis or set REDIS_URL`,
    };
  }
}
