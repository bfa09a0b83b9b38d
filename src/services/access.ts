// Views of private tasks (issue 33): a face runs each request in an access scope (who, what, where, and the kind
// of view its entry in the command table or the acts table gives: src/policy/access-audit.ts). Everything a
// service returns inside the scope is looked through for private tasks, and each one found is recorded once
// when the scope ends, unless the request recorded it itself (a run, an evaluation, a file written). A new
// service, command or listener is covered without a line of its own: only the methods below that name tasks
// without reaching their data are not looked through.
import { AsyncLocalStorage } from 'node:async_hooks';
import { recordPrivateAccess, type AccessView, type PrivateAccess } from '../policy/access-audit.js';
import { isPrivate } from '../policy/data-policy.js';
import { loadedTasks, useTaskFiles } from '../../tasks/index.js';
import type { ServiceContext } from './context.js';

interface Scope {
  who: Omit<PrivateAccess, 'task' | 'view'>;
  view: AccessView | undefined;
  /** Private task ids a service returned in the scope. */
  seen: Set<string>;
  /** Private task ids the request recorded itself. */
  recorded: Set<string>;
  /** What the request has done that is done once a request (see oncePerRequest). */
  done: Set<string>;
}
const scopes = new AsyncLocalStorage<Scope>();

/** Methods not looked through: the policy's own, the lists of tasks and models, the audits, the lifecycle. */
const NOT_VIEWS = new Set([
  'accessScope',
  'noteShown',
  'auditPrivate',
  'privateAccess',
  'privateTasks',
  'dataContext',
  'isPrivateTask',
  'dataPolicies',
  'mayWrite',
  'tasks',
  'taskFileProblems',
  'checkTaskFile',
  'models',
  'modelProvider',
  'modelRequest',
  'doctor',
  'audit',
  'close',
]);

/** Adds to `found` the private ids in `value`: strings equal to one, or a run's JSON list of task ids. */
function collect(value: unknown, ids: ReadonlySet<string>, found: Set<string>, depth = 0): void {
  if (value === null || value === undefined || depth > 8) return;
  if (typeof value === 'string') {
    if (ids.has(value)) found.add(value);
    else if (value.startsWith('["') && value.length < 100_000)
      for (const id of ids) if (value.includes(JSON.stringify(id))) found.add(id);
    return;
  }
  if (typeof value !== 'object') return;
  // Plain data only (rows, boards, results): never a store, a queue or a buffer.
  if (!Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype) return;
  for (const v of Array.isArray(value) ? value : Object.values(value)) collect(v, ids, found, depth + 1);
}

/** Notes, in the current scope, the private tasks `value` holds (nothing outside a scope or without any). */
function note(value: unknown): void {
  const scope = scopes.getStore();
  if (!scope?.view) return;
  // What the request can have reached: a declared task is loaded before any of its data is (loadedTasks).
  const ids = new Set(loadedTasks().filter(isPrivate).map((t) => t.id));
  if (ids.size) collect(value, ids, scope.seen);
}

/**
 * Whether `what` is still to be done in this request: true at its first asking in the current access scope (one
 * request of a face), and at every asking outside any scope (each call is then a request of its own).
 */
function firstInRequest(what: string): boolean {
  const scope = scopes.getStore();
  if (!scope) return true;
  if (scope.done.has(what)) return false;
  scope.done.add(what);
  return true;
}

/** Marks `task` as recorded by the request itself (the scope does not record it again). */
export function markRecorded(task: string): void {
  scopes.getStore()?.recorded.add(task);
}

/** `services` with every method but NOT_VIEWS looked through, its result (or what its promise gives) noted. */
export function watchViews<S extends Record<string, unknown>>(services: S): S {
  const watch = (name: string, f: unknown) => {
    if (typeof f !== 'function' || NOT_VIEWS.has(name)) return f;
    return (...args: unknown[]) => {
      const result: unknown = f(...args);
      if (result instanceof Promise) return result.then((v: unknown) => (note(v), v));
      note(result);
      return result;
    };
  };
  return Object.fromEntries(Object.entries(services).map(([name, f]) => [name, watch(name, f)])) as S;
}

export function accessServices(ctx: ServiceContext) {
  return {
    /**
     * Runs `work` as one request of `who` (user, act: the command or listener, place: `terminal`, `slack:C…`,
     * `slack:home`), then records each private task a service returned in it as `view` (`text` or `scores`;
     * undefined: nothing, for commands and acts that never reach a task's data). Recorded even when `work`
     * throws after reaching it; the error is rethrown.
     */
    async accessScope<T>(who: Scope['who'], view: AccessView | undefined, work: () => Promise<T>): Promise<T> {
      // A scope opened inside another (a listener's, then its command's) is the same request: `done` is shared.
      const done = scopes.getStore()?.done ?? new Set<string>();
      const scope: Scope = { who, view, seen: new Set(), recorded: new Set(), done };
      try {
        return await scopes.run(scope, work);
      } finally {
        const left = [...scope.seen].filter((t) => !scope.recorded.has(t));
        if (view && left.length) {
          const store = await ctx.store();
          for (const task of left) await recordPrivateAccess(store, { ...who, task, view });
        }
      }
    },

    /** Notes what a face shows that it read outside its scope (a digest fetched once for several channels). */
    noteShown: (value: unknown): void => note(value),
  };
}

/**
 * `services` with the task files looked at before each request (useTaskFiles: a listing and a stat per file read
 * when nothing changed), so a long-running bot sees an edited, added or removed task file, or a pack pulled,
 * on its next request. Once a request (an access scope, firstInRequest), not once a call: a `/jcb run` thread
 * makes some ten calls, and ten looks were a third of the bot's CPU in 30 threads at once (issue 28).
 */
export function withTaskFiles<S extends Record<string, unknown>>(ctx: ServiceContext, services: S): S {
  // A scope's opening reads no task: the first call of its work looks.
  const fresh = (f: unknown, name: string) =>
    typeof f !== 'function' || name === 'accessScope'
      ? f
      : (...args: unknown[]): unknown => {
          if (firstInRequest('task files')) useTaskFiles(ctx.env);
          return f(...args);
        };
  return Object.fromEntries(Object.entries(services).map(([name, f]) => [name, fresh(f, name)])) as S;
}
