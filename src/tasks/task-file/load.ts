// Finding and loading task files: YAML → schema → checks → a Task. A file with any problem is left out whole
// and its problems kept, one line each naming the file and the key (`jcb tasks`, `jcb tasks check FILE`).
import { issueText } from '../../base/issues.js';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readJsonRows } from '../../release/files.js';
import path from 'node:path';
import { parse } from 'yaml';
import { packLocation, releaseLocation } from '../../release/locate.js';
import { packIsPrivate } from '../../release/packs.js';
import type { Task } from '../types.js';
import { checkAnswer, checkData, type KeyProblem } from './check.js';
import { declaredTask } from './declared-task.js';
import { taskRows } from './rows.js';
import { withDataColumns } from './columns.js';
import { taskFileSchema, type TaskFile } from './schema.js';

/** One problem of one task file, as shown: `<file>: <key>: <what was wrong; what would be right>`. */
export interface TaskFileProblem extends KeyProblem {
  /** The file as found (for terminals); `name` is its base name (for Slack). */
  file: string;
  name: string;
  /** The id the file declares, when it could be read. */
  id?: string;
}

export interface LoadedTaskFile {
  task?: Task;
  problems: TaskFileProblem[];
  /** The documents of a task loaded whole. */
  documents?: number;
  /** Every path the load read or looked for (the file, its pack's manifest, prompts, data, folders): a change to any may change the result. */
  inputs: string[];
}

/** The one-line form of a problem. */
export const problemLine = (p: TaskFileProblem, face: 'terminal' | 'chat' = 'terminal') =>
  `${face === 'terminal' ? p.file : p.name}: ${p.key}: ${p.message}.`;

/** Where a task file comes from: a folder of JCB_TASKS, or a pack of jcb's own `packs/`. */
export interface TaskFileSource {
  file: string;
  /** `task file`, or `pack <name>`. */
  source: string;
  /** The folder of its pack (holding `pack.yml`, whose `private: true` makes every task of the pack private). */
  pack?: string;
}

/** The folder a `from:` names: `release` (the J-ClinicalBench release) or a pulled pack's folder. */
function fromFolder(from: string, env: NodeJS.ProcessEnv): string {
  return from === 'release' ? releaseLocation(env).dir : packLocation(from, env);
}

/** Loads one task file; never throws for a problem of the file (it is returned). */
export function loadTaskFile(
  found: TaskFileSource,
  env: NodeJS.ProcessEnv,
  takenIds: ReadonlySet<string>,
): LoadedTaskFile {
  const { file } = found;
  const dir = path.dirname(file);
  const problems: TaskFileProblem[] = [];
  const inputs = found.pack === undefined ? [file] : [file, path.join(found.pack, 'pack.yml')];
  let id: string | undefined;
  const add = (key: string, message: string) => problems.push({ file, name: path.basename(file), key, message, id });
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    add('(file)', `not readable YAML (${((err as Error).message.split('\n')[0] ?? '').slice(0, 120)})`);
    return { problems, inputs };
  }
  if (raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string')
    id = (raw as { id: string }).id;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    add('(file)', 'not a task file (a YAML mapping with id, title, data, prompts, answer, metrics)');
    return { problems, inputs };
  }
  const result = taskFileSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) add(issue.path.join('.') || '(file)', issueText(issue));
    return { problems, inputs };
  }
  let spec: TaskFile = result.data;
  if (takenIds.has(spec.id)) add('id', `"${spec.id}" is already a task's id; choose another`);
  for (const p of checkAnswer(spec)) add(p.key, p.message);

  const notPulled = new Set<string>();
  const locate = (key: string, from: string | undefined, rel: string, what: 'file' | 'folder') => {
    const base = from === undefined ? dir : fromFolder(from, env);
    inputs.push(base);
    // A folder not pulled at all: one line for it, not one for each of its files.
    if (from !== undefined && !existsSync(base)) {
      if (!notPulled.has(from))
        add(
          `${key.split('.')[0]}.from`,
          `the ${from} folder is not pulled yet; run \`jcb data pull${from === 'release' ? '' : ` ${from.toLowerCase()}`}\``,
        );
      notPulled.add(from);
      return undefined;
    }
    const full = path.resolve(base, rel);
    inputs.push(full);
    const ok = existsSync(full) && statSync(full).isDirectory() === (what === 'folder');
    if (!ok) {
      const where =
        from === undefined
          ? 'beside the task file'
          : from === 'release'
            ? 'in the release'
            : `in the pulled ${from} folder`;
      const fix =
        from === undefined
          ? ''
          : from === 'release'
            ? '; run `jcb data pull`'
            : `; run \`jcb data pull ${from.toLowerCase()}\``;
      add(key, `no ${what} ${rel} ${where}${fix}`);
    }
    return ok ? full : undefined;
  };
  const templates: { zero: string; one?: string } = { zero: '' };
  for (const shot of ['zero', 'one'] as const) {
    const t = spec.prompts[shot];
    if (t === undefined) continue;
    if (typeof t === 'string') templates[shot] = t;
    else {
      const full = locate(`prompts.${shot}.file`, undefined, t.file, 'file');
      if (full) templates[shot] = readFileSync(full, 'utf8');
    }
  }
  const generationsDir = spec.generations
    ? locate('generations.dir', spec.generations.from, spec.generations.dir, 'folder')
    : undefined;
  const before = problems.length;
  const {
    rows,
    excluded,
    problems: rowProblems,
  } = taskRows(spec, (key, rel) => locate(key, spec.data.from, rel, 'file'));
  for (const p of rowProblems) add(p.key, p.message);
  const named = withDataColumns(spec, [...new Set(rows.flatMap((r) => Object.keys(r)))]);
  spec = named.spec;
  for (const p of named.problems) add(p.key, p.message);
  if (problems.length === before) for (const p of checkData(spec, rows, templates)) add(p.key, p.message);
  if (problems.length) return { problems, inputs };
  const licence = spec.licence;
  const task = declaredTask({
    spec,
    rows,
    templates,
    generationsDir,
    origin: {
      file,
      source: found.source,
      licence,
      credit: spec.source,
      nonCommercial: licence !== undefined && /\bNC\b|non-?commercial/i.test(licence),
      excluded: excluded ? `${excluded} rows left out: ${spec.data.exclude!.why}` : undefined,
      private: spec.private || (found.pack !== undefined && packIsPrivate(found.pack)),
      hash: scoringHash(spec, templates),
      dataHash: sha12(JSON.stringify(rows)),
      dataFiles: [
        ...(Array.isArray(spec.data.file) ? spec.data.file : [spec.data.file]),
        ...(spec.data.answers ? [spec.data.answers.file] : []),
      ],
    },
  });
  for (const p of generationsChecked(task, generationsDir, spec.generations?.dir ?? '', inputs)) add(p.key, p.message);
  return problems.length ? { problems, inputs } : { task, problems, documents: rows.length, inputs };
}

/**
 * The problems of every generations file of `task` (`<dir>/<model folder>/<shot>_shot.json`) against its data
 * (Task.checkGenerations), `named` the folder as the task file names it; each file read is added to `inputs`, so that an edit of one is seen as the task's.
 */
function generationsChecked(task: Task, dir: string | undefined, named: string, inputs: string[]) {
  if (!dir) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => ['zero', 'one'].map((shot) => path.join(dir, e.name, `${shot}_shot.json`)))
    .filter((file) => existsSync(file))
    .flatMap((file) => {
      inputs.push(file);
      try {
        return task.checkGenerations!(readJsonRows(file), file);
      } catch (err) {
        // The reader's line names the file as the task file does (no path: Slack shows these lines too).
        const shown = path.join(named, path.relative(dir, file));
        const why = ((err as Error).message.split('\n')[0] ?? '').split(file).join(shown).slice(0, 240);
        return [{ key: 'generations.dir', message: `${shown} is not readable (${why})` }];
      }
    });
}

/**
 * TaskOrigin.hash: the parts of a task file that can change a score, hashed (sha12) in a canonical form: the parsed
 * definition (names as read, columns as the data names them) without what only describes it (title, label, licence,
 * source, references, the exclusion's why), its prompts as the template texts (inline or in a file alike), keys
 * sorted. A comment, a title or a re-indented file is the same task; a prompt, label, metric or column is not.
 */
export function scoringHash(spec: TaskFile, templates: { zero: string; one?: string }): string {
  const { title: _t, label: _l, licence: _c, source: _s, references: _r, ...scoring } = spec;
  const exclude = spec.data.exclude && { column: spec.data.exclude.column, equals: spec.data.exclude.equals };
  const definition = {
    ...scoring,
    data: { ...spec.data, exclude },
    prompts: { ...templates, example: spec.prompts.example },
  };
  return sha12(canonical(definition));
}

/** JSON with every object's keys sorted and undefined members left out. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );

/** SHA-256 of `text`, 12 hex digits (TaskOrigin.hash, TaskOrigin.dataHash). */
const sha12 = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

const TASK_FILE = /\.ya?ml$/i;

/** `*.yml`/`*.yaml` in `dir` and its sub-folders one level down, sorted; `pack.yml` manifests excluded. */
export function taskFilesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  if (!statSync(dir).isDirectory()) return TASK_FILE.test(dir) ? [dir] : [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory())
        return readdirSync(p)
          .filter((f) => TASK_FILE.test(f))
          .map((f) => path.join(p, f));
      return TASK_FILE.test(e.name) ? [p] : [];
    })
    .filter((f) => !/^pack\.ya?ml$/i.test(path.basename(f)))
    .sort();
}

/**
 * The task files jcb finds: each folder (or file) of JCB_TASKS (separated like PATH), then each pack of
 * `packsDir` (`packs/<name>/*.yml`, the source `pack <name>`).
 */
export function findTaskFiles(env: NodeJS.ProcessEnv, packsDir: string): TaskFileSource[] {
  const own = (env.JCB_TASKS ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .flatMap((d) => taskFilesIn(path.resolve(d)).map((file) => ({ file, source: 'task file' })));
  const packs = existsSync(packsDir)
    ? readdirSync(packsDir)
        .sort()
        .flatMap((name) => {
          const pack = path.join(packsDir, name);
          return taskFilesIn(pack).map((file) => ({ file, source: `pack ${name}`, pack }));
        })
    : [];
  return [...own, ...packs];
}

/** Every task file found, loaded in order: an id already taken (built-in or an earlier file) is refused. */
export function loadTaskFiles(
  files: readonly TaskFileSource[],
  env: NodeJS.ProcessEnv,
  builtinIds: readonly string[],
): { tasks: Task[]; problems: TaskFileProblem[]; inputs: string[] } {
  const taken = new Set(builtinIds);
  const tasks: Task[] = [];
  const problems: TaskFileProblem[] = [];
  const inputs: string[] = [];
  for (const found of files) {
    const loaded = loadTaskFile(found, env, taken);
    problems.push(...loaded.problems);
    inputs.push(...loaded.inputs);
    if (loaded.task) {
      tasks.push(loaded.task);
      taken.add(loaded.task.id);
    }
  }
  return { tasks, problems, inputs };
}
