// The release's manifest: every file jcb reads, with its size and SHA-256, so that a partial or
// altered copy is refused rather than scored. Built from the reference copy by `npm run manifest`.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { UserError } from '../base/errors.js';
import { operatorFix } from '../base/shown.js';
import { projectRoot } from '../base/project.js';

const manifestSchema = z.object({
  /** The upstream commit the reference copy was taken at (docs/spec: platform.md). */
  commit: z.string(),
  files: z.array(z.object({ path: z.string(), size: z.number().int().min(0), sha256: z.string().length(64) })),
});
export type Manifest = z.infer<typeof manifestSchema>;

/** What jcb reads: the benchmark files, the generations, and the release's own scores. */
function isRead(relative: string): boolean {
  return (
    relative.startsWith('data/benchmarks/') ||
    relative.startsWith('data/generated/') ||
    (relative.startsWith('results/') && relative.endsWith('.json'))
  );
}

function walk(root: string, dir = ''): string[] {
  const here = path.join(root, dir);
  if (!existsSync(here)) return [];
  return readdirSync(here, { withFileTypes: true }).flatMap((e) => {
    const rel = dir ? `${dir}/${e.name}` : e.name;
    if (e.name === '.git') return [];
    return e.isDirectory() ? walk(root, rel) : e.isFile() && isRead(rel) ? [rel] : [];
  });
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** The manifest of the release at `root`: its files jcb reads, sorted by path. */
export function buildManifest(root: string, commit: string): Manifest {
  const files = walk(root)
    .sort()
    .map((p) => {
      const file = path.join(root, p);
      return { path: p, size: statSync(file).size, sha256: sha256(file) };
    });
  return { commit, files };
}

/** The manifest a release must match: JCB_RELEASE_MANIFEST (another release, or a test's), else jcb's own. */
export function manifestPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.JCB_RELEASE_MANIFEST || path.join(projectRoot(), 'data', 'release-manifest.json');
}

/** The operator's remedy (Slack: "ask the bot's operator"), after a message whose file is marked too. */
const UNSET = operatorFix('Unset JCB_RELEASE_MANIFEST.');

export function loadManifest(env: NodeJS.ProcessEnv = process.env): Manifest {
  const file = manifestPath(env);
  if (!existsSync(file)) throw new UserError(`No release manifest${operatorFix(` at ${file}`)}.`, UNSET);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const why =
      err instanceof SyntaxError ? 'it is not JSON' : `it cannot be read: ${(err as NodeJS.ErrnoException).code}`;
    throw new UserError(`The release manifest is not one (JSON): ${why}${operatorFix(` (${file})`)}.`, UNSET);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? issue.path.join('.') : 'the file';
    throw new UserError(
      `The release manifest is not one: ${where} is missing or malformed${operatorFix(` (${file})`)}.`,
      UNSET,
    );
  }
  return parsed.data;
}

export interface ManifestCheck {
  files: number;
  missing: string[];
  /** Files present with another size, or (when hashed) other content. */
  altered: string[];
}

/**
 * Compares the files under `root` with the manifest: by size only (a few milliseconds, done by every
 * command), or by size and SHA-256 (`hash`, about 2.5 s for the release's 38 MB on a busy 2-core machine: `data check`, after a pull).
 */
export function verifyRelease(root: string, manifest: Manifest, hash = false): ManifestCheck {
  const missing: string[] = [];
  const altered: string[] = [];
  for (const f of manifest.files) {
    const file = path.join(root, f.path);
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      missing.push(f.path);
      continue;
    }
    if (size !== f.size || (hash && sha256(file) !== f.sha256)) altered.push(f.path);
  }
  return { files: manifest.files.length, missing, altered };
}

/** One line naming the first few files that are wrong and how many there are; undefined when whole. */
export function describeProblems(check: ManifestCheck): string | undefined {
  const bad = [...check.missing.map((p) => `${p} missing`), ...check.altered.map((p) => `${p} altered`)];
  if (bad.length === 0) return undefined;
  const shown = bad.slice(0, 3).join(', ');
  return `${bad.length} of its ${check.files} files are missing or altered (${shown}${bad.length > 3 ? `, and ${bad.length - 3} more` : ''})`;
}
