// Where jcb keeps its per-user things, the same from any working folder.
import os from 'node:os';
import path from 'node:path';

/**
 * jcb's per-user folder: JCB_HOME, else $XDG_DATA_HOME/jcb, else ~/.local/share/jcb (the XDG Base
 * Directory default). Absolute; not created here.
 */
export function jcbHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JCB_HOME) return path.resolve(env.JCB_HOME);
  const data = env.XDG_DATA_HOME || path.join(env.HOME || os.homedir(), '.local', 'share');
  return path.join(path.resolve(data), 'jcb');
}

/** The release folder: JCB_DATA_DIR, else `<jcbHome>/j-clinicalbench` (where `data pull` puts it). */
export function releaseLocation(env: NodeJS.ProcessEnv = process.env): { dir: string; configured: boolean } {
  if (env.JCB_DATA_DIR) return { dir: path.resolve(env.JCB_DATA_DIR), configured: true };
  return { dir: path.join(jcbHome(env), 'j-clinicalbench'), configured: false };
}

/** The default SQLite file of the store (JCB_STORE and DATABASE_URL override it; see store.ts). */
export function defaultStoreFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(jcbHome(env), 'jcb.sqlite');
}

/**
 * A pulled pack's folder (`JMED-LLM`, `IgakuQA119`): under JCB_PACKS_DIR when set (the tests point it at
 * copies), else `<jcbHome>/packs/<folder>` (where `data pull <pack>` puts it).
 */
export function packLocation(folder: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.JCB_PACKS_DIR ? path.resolve(env.JCB_PACKS_DIR) : path.join(jcbHome(env), 'packs'), folder);
}
