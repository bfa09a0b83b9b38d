// `jcb data check`: what the release holds per setting, and anything that does not fit.
import { Release } from '../release/release.js';
import { releaseRoot } from '../release/data-dir.js';
import { describeProblems, loadManifest, verifyRelease, type ManifestCheck } from '../release/manifest.js';
import { taskOfFolder } from './score-file.js';
import { evaluationDocuments } from '../tasks/documents.js';
import type { Document, Parsed, Task } from '../tasks/types.js';
import { TASKS } from '../../tasks/index.js';

export interface FileCheck {
  file: string;
  modelDir: string;
  shot: string;
  rows: number;
  /** Rows whose document was found (by id, by position for RE, or carried by the row for NER). */
  matched: number;
  parseFailures: number;
  problems: string[];
}

export interface TaskCheck {
  task: string;
  folder: string;
  documents: number;
  files: FileCheck[];
  problems: string[];
}

function checkFile(
  task: Task,
  release: Release,
  path: string,
  name: string,
  docs: Map<string, Document<unknown>>,
): Omit<FileCheck, 'file' | 'modelDir' | 'shot'> {
  const problems: string[] = [];
  let rows;
  try {
    rows = release.generationRows(path);
  } catch (err) {
    return { rows: 0, matched: 0, parseFailures: 0, problems: [`unreadable: ${(err as Error).message}`] };
  }
  const shot = name.startsWith('one') ? 'one' : 'zero';
  const ordered = evaluationDocuments(task, release, shot);
  let matched = 0;
  let parseFailures = 0;
  const unknown: string[] = [];
  rows.forEach((row, i) => {
    try {
      const g = task.fromGeneration(row);
      const doc = g.document ?? (g.id !== undefined ? docs.get(g.id) : ordered[i]);
      // Positional rows (RE) must carry the gold of the document at their place.
      if (doc && (g.id !== undefined || JSON.stringify(doc.gold) === JSON.stringify(g.gold))) matched++;
      else unknown.push(g.id ?? `row ${i + 1}`);
      if (!(task.parse(g.output) as Parsed<unknown>).ok) parseFailures++;
    } catch (err) {
      problems.push(`row ${i + 1}: ${(err as Error).message}`);
    }
  });
  if (unknown.length)
    problems.push(
      `${unknown.length} rows match no document (${unknown.slice(0, 3).join(', ')}${unknown.length > 3 ? ', ...' : ''})`,
    );
  return { rows: rows.length, matched, parseFailures, problems };
}

export function checkRelease(release: Release): TaskCheck[] {
  const files = release.generationFiles();
  return TASKS.map((task) => {
    const problems: string[] = [];
    let docs: Document<unknown>[] = [];
    try {
      docs = task.loadDocuments(release) as Document<unknown>[];
    } catch (err) {
      problems.push(`documents unreadable: ${(err as Error).message}`);
    }
    const byId = new Map(docs.map((d) => [d.id, d]));
    if (byId.size !== docs.length) problems.push(`${docs.length - byId.size} duplicate document ids`);
    for (const id of task.oneShotExamples)
      if (docs.length && !byId.has(id)) problems.push(`one-shot example ${id} is not a document`);
    const taskFiles = files.filter((f) => taskOfFolder(f.folder) === task);
    return {
      task: task.id,
      folder: task.folder,
      documents: docs.length,
      problems,
      files: taskFiles.map((f) => ({
        file: `${f.folder}/${f.modelDir}/${f.name}.json`,
        modelDir: f.modelDir,
        shot: f.shot ?? '?',
        ...(problems.length && !docs.length
          ? { rows: 0, matched: 0, parseFailures: 0, problems: ['no documents to match'] }
          : checkFile(task, release, f.path, f.name, byId)),
      })),
    };
  });
}

export interface DataCheck {
  root: string;
  /** The manifest's files compared by size and SHA-256. */
  files: ManifestCheck;
  /** Per setting; empty when files are missing or altered (nothing is read from a release that is not whole). */
  tasks: TaskCheck[];
  verdict: string;
  whole: boolean;
}

/** `jcb data check`: the release against its manifest (hashed), then what it holds per setting. */
export function checkData(env: NodeJS.ProcessEnv): DataCheck {
  const root = releaseRoot(env, false);
  const files = verifyRelease(root, loadManifest(env), true);
  const problem = describeProblems(files);
  if (problem)
    return { root, files, tasks: [], whole: false, verdict: `NOT WHOLE: ${problem}. Run \`npx jcb data pull\`.` };
  const tasks = checkRelease(new Release(root));
  const troubled = tasks.filter((t) => t.problems.length || t.files.some((f) => f.problems.length)).length;
  return {
    root,
    files,
    tasks,
    whole: true,
    verdict: `WHOLE: all ${files.files} files match the manifest (sizes and SHA-256)${troubled ? `; ${troubled} settings have the notes above` : ''}.`,
  };
}
