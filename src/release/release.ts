// The release on disk: benchmark files, prompt templates and generation files, read lazily and cached.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../base/errors.js';
import { RecentlyUsed } from '../base/recent.js';
import type { Shot } from './shots.js';
import { isDirectory, releaseRoot } from './data-dir.js';
import { readCsv, readJson, readJsonRows, type Row } from './files.js';

/** One released generation file: `data/generated/<group>/<folder>/<modelDir>/<name>.json`. */
export interface GenerationFile {
  /** `CLR/MR`, or an ablation such as `CLR/MR_no_options`. */
  folder: string;
  modelDir: string;
  /** File name without `.json`: `one_shot`, `zero_shot`, `one_shot4096`, ... */
  name: string;
  shot: Shot | undefined;
  path: string;
  /** The matching results/ file, when the release has one. */
  resultsPath: string | undefined;
}

export function shotOfFileName(name: string): Shot | undefined {
  if (name.startsWith('one_shot')) return 'one';
  if (name.startsWith('zero_shot')) return 'zero';
  return undefined;
}

function listDirs(dir: string): string[] {
  return isDirectory(dir)
    ? readdirSync(dir)
        .filter((d) => isDirectory(path.join(dir, d)))
        .sort()
    : [];
}

/**
 * Parsed benchmark and generation files kept at once: a setting reads one to three of each, and is usually asked
 * again soon; the others are read again when asked (the bot would otherwise hold every file it ever read).
 */
const FILES_KEPT = 6;

export class Release {
  /** Small things kept for good: templates, the list of generation files. */
  private readonly cache = new Map<string, unknown>();
  private readonly files = new RecentlyUsed<string, unknown>(FILES_KEPT);

  constructor(readonly root: string) {}

  static fromEnv(env: NodeJS.ProcessEnv = process.env): Release {
    return new Release(releaseRoot(env));
  }

  benchmarkPath(folder: string, file: string): string {
    const p = path.join(this.root, 'data', 'benchmarks', folder, file);
    // The release's folder and files are the operator's: named in a terminal only.
    if (!existsSync(p))
      throw new UserError(
        `The release on this server lacks a file of ${folder}`,
        'Use another task, or ask whoever runs jcb to complete the release.',
        { detail: `${this.root}: data/benchmarks/${folder}/${file}`, hint: 'Check it with `jcb data check`.' },
      );
    return p;
  }

  private memo<T>(key: string, load: () => T): T {
    if (!this.cache.has(key)) this.cache.set(key, load());
    return this.cache.get(key) as T;
  }

  /** A parsed file, among the FILES_KEPT used last. */
  private file<T>(key: string, load: () => T): T {
    return this.files.get(key, load) as T;
  }

  csv(folder: string, file: string): Record<string, string>[] {
    return this.file(`csv:${folder}/${file}`, () => readCsv(this.benchmarkPath(folder, file)));
  }

  json(folder: string, file: string): unknown {
    return this.file(`json:${folder}/${file}`, () => readJson(this.benchmarkPath(folder, file)));
  }

  jsonRows(folder: string, file: string): Row[] {
    return this.file(`rows:${folder}/${file}`, () => readJsonRows(this.benchmarkPath(folder, file)));
  }

  template(folder: string, shot: Shot): string {
    return this.memo(`tpl:${folder}/${shot}`, () =>
      readFileSync(this.benchmarkPath(folder, `prompt_${shot}_shot.txt`), 'utf8'),
    );
  }

  /** Every generation file under `generatedRoot` (default: the release's data/generated). */
  generationFiles(generatedRoot = path.join(this.root, 'data', 'generated')): GenerationFile[] {
    return this.memo(`gen:${generatedRoot}`, () => listGenerationFiles(generatedRoot, path.join(this.root, 'results')));
  }

  generationRows(file: string): Row[] {
    return this.file(`genrows:${file}`, () => readJsonRows(file));
  }
}

/** Walks a tree laid out like the release's generated/ folder. */
export function listGenerationFiles(generatedRoot: string, resultsRoot: string): GenerationFile[] {
  const files: GenerationFile[] = [];
  for (const group of listDirs(generatedRoot)) {
    for (const task of listDirs(path.join(generatedRoot, group))) {
      for (const modelDir of listDirs(path.join(generatedRoot, group, task))) {
        const dir = path.join(generatedRoot, group, task, modelDir);
        for (const file of readdirSync(dir)
          .filter((f) => f.endsWith('.json'))
          .sort()) {
          const name = file.slice(0, -'.json'.length);
          const results = path.join(resultsRoot, group, task, modelDir, file);
          files.push({
            folder: `${group}/${task}`,
            modelDir,
            name,
            shot: shotOfFileName(name),
            path: path.join(dir, file),
            resultsPath: existsSync(results) ? results : undefined,
          });
        }
      }
    }
  }
  return files;
}
