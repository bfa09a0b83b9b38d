// Packs (packs/<name>/pack.yml): public benchmarks jcb runs as task files, fetched at a pinned commit and
// checked file by file against the manifest, like the release. Their data is never part of jcb.
import { issueLine } from '../base/issues.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { parseYamlText } from '../base/yaml-text.js';
import { z } from 'zod';
import { UserError } from '../base/errors.js';
import { operatorFix } from '../base/shown.js';
import { projectRoot } from '../base/project.js';
import { unknownName } from '../base/suggest.js';
import { packLocation } from './locate.js';
import { describeProblems, verifyRelease } from './manifest.js';
import { pullRepository, type PullResult } from './pull.js';

const packSchema = z.object({
  name: z.string(),
  /** The folder it is pulled into (and that task files name in `from:`). */
  folder: z.string(),
  repository: z.string().url(),
  commit: z.string().regex(/^[0-9a-f]{40}$/),
  date: z.string(),
  licence: z.string(),
  /** Every task of the pack is private (src/policy/data-policy.ts), whatever its task file says. */
  private: z.boolean().optional(),
  files: z.array(z.object({ path: z.string(), size: z.number().int().min(0), sha256: z.string().length(64) })).min(1),
});
export type Pack = z.infer<typeof packSchema>;

/** Where jcb's own packs are (`packs/<name>/`); JCB_PACKS_TASKS overrides it (tests). */
export const packsFolder = (env: NodeJS.ProcessEnv) => env.JCB_PACKS_TASKS ?? path.join(projectRoot(), 'packs');

/**
 * Whether the pack in `dir` (a folder holding `pack.yml`) says `private: true`: then each of its tasks is
 * private. Only that key is read (a hospital's own pack need not be pullable); an unreadable manifest or a
 * `private` that is not `true` or `false` counts as private, so a typo cannot open the pack's data.
 */
export function packIsPrivate(dir: string): boolean {
  const file = path.join(dir, 'pack.yml');
  if (!existsSync(file)) return false;
  try {
    const key = (parse(readFileSync(file, 'utf8')) as { private?: unknown } | null)?.private;
    return key === undefined || key === false ? false : true;
  } catch {
    return true;
  }
}

/** The packs jcb ships, by name. */
export function packNames(env: NodeJS.ProcessEnv = process.env): string[] {
  const dir = packsFolder(env);
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((n) => existsSync(path.join(dir, n, 'pack.yml')))
        .sort()
    : [];
}

/** A pack's manifest. @throws UserError for an unknown name (with the known ones). */
export function loadPack(name: string, env: NodeJS.ProcessEnv = process.env): Pack {
  const names = packNames(env);
  const typed = name.toLowerCase();
  if (!names.includes(typed)) throw unknownName('pack', name, names, `Packs: ${names.join(', ')}.`);
  const file = path.join(packsFolder(env), typed, 'pack.yml');
  const parsed = packSchema.safeParse(
    parseYamlText(readFileSync(file, 'utf8'), `Pack ${typed}`, `packs/${typed}/pack.yml`),
  );
  // The file's place is the operator's (Slack: "ask the bot's operator"); what is wrong in it is said to all.
  if (!parsed.success)
    throw new UserError(
      `Pack ${typed} is not valid: ${issueLine(parsed.error.issues[0])}${operatorFix(` (packs/${typed}/pack.yml)`)}.`,
    );
  return parsed.data;
}

/**
 * Fetches a pack with git at its pinned commit (JCB_PACK_URL and JCB_PACK_REF point at a mirror) into
 * `dir`, else its folder under JCB_PACKS_DIR or `<jcbHome>/packs`, checked against its manifest.
 */
export function pullPack(
  name: string,
  dir: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  progress: (text: string) => void = () => {},
): Promise<PullResult> {
  const pack = loadPack(name, env);
  const manifest = { commit: pack.commit, files: pack.files };
  return pullRepository(
    {
      what: `the ${pack.name} pack`,
      target: dir ? path.resolve(dir) : packLocation(pack.folder, env),
      url: env.JCB_PACK_URL || `${pack.repository}.git`,
      ref: env.JCB_PACK_REF || pack.commit,
      pinned: !env.JCB_PACK_REF,
      files: pack.files.length,
      problem: (root, hash) => describeProblems(verifyRelease(root, manifest, hash)),
      isOurs: (root) => pack.files.some((f) => existsSync(path.join(root, f.path))),
      again: `jcb data pull ${pack.name}`,
      urlHint: 'Point JCB_PACK_URL (and JCB_PACK_REF) at a copy of the published repository.',
      offlineHint: `Check JCB_PACK_URL, or copy ${pack.folder} from a machine that has it and set JCB_PACKS_DIR to the folder holding it.`,
      download: `download ${pack.repository} at ${pack.commit.slice(0, 7)} as a zip and unpack it as ${pack.folder} in JCB_PACKS_DIR`,
    },
    progress,
  );
}
