// The release as a download: fetched whole into the per-user folder or not at all, refused when partial.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildManifest, describeProblems, verifyRelease } from '../src/release/manifest.js';
import { FIXTURE_MANIFEST, FIXTURE_RELEASE, gitMirror, JCB_BIN, PAPER_TABLE_4, releaseDir } from './helpers.js';

const MIRROR = gitMirror(FIXTURE_RELEASE);

/** A user with an empty per-user folder, the fixture's manifest, and the fixture's mirror as the release. */
function freshUser(extra: Record<string, string | undefined> = {}) {
  const home = mkdtempSync(path.join(os.tmpdir(), 'jcb-user-'));
  return {
    home,
    release: path.join(home, 'data', 'jcb', 'j-clinicalbench'),
    env: {
      HOME: home,
      XDG_DATA_HOME: path.join(home, 'data'),
      JCB_RELEASE_URL: MIRROR,
      JCB_RELEASE_MANIFEST: FIXTURE_MANIFEST,
      ...extra,
    },
  };
}

function jcb(args: string[], env: Record<string, string | undefined>, cwd?: string) {
  const r = spawnSync(process.execPath, [JCB_BIN, ...args], {
    encoding: 'utf8',
    cwd,
    env: { ...process.env, JCB_DATA_DIR: undefined, JCB_RELEASE_MANIFEST: undefined, ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('the release manifest', () => {
  it('names missing and altered files, first few and a count', () => {
    const manifest = buildManifest(FIXTURE_RELEASE, 'fixture');
    expect(describeProblems(verifyRelease(FIXTURE_RELEASE, manifest, true))).toBeUndefined();
    const gone = manifest.files.slice(0, 4).map((f) => ({ ...f, path: `${f.path}.gone` }));
    const changed = { ...manifest.files[5], sha256: '0'.repeat(64) };
    const broken = { ...manifest, files: [...gone, changed, ...manifest.files.slice(6)] };
    // Sizes alone see the missing files; hashes see the altered one too.
    expect(verifyRelease(FIXTURE_RELEASE, broken).altered).toEqual([]);
    const check = verifyRelease(FIXTURE_RELEASE, broken, true);
    expect(check.missing).toHaveLength(4);
    expect(check.altered).toEqual([changed.path]);
    expect(describeProblems(check)).toMatch(
      new RegExp(
        `^5 of its ${broken.files.length} files are missing or altered \\(${gone[0].path.replace(/\./g, '\\.')} missing, .* missing, .* missing, and 2 more\\)$`,
      ),
    );
  });
});

describe('jcb leaderboard on a fresh machine', () => {
  it('fetches the release into the per-user folder, then prints Table 4; the progress of git only to a terminal', () => {
    const user = freshUser();
    const r = jcb(['leaderboard'], user.env);
    expect(r.err).toContain(`no release yet; fetching it`);
    expect(r.err).not.toMatch(/Receiving objects|Unpacking objects|remote:|\r/); // stderr is a pipe here
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/GPT-4o\s+–\s+–\s+75\.0/);
    expect(existsSync(path.join(user.release, 'data', 'benchmarks'))).toBe(true);
    // Nothing of the pull is left beside it.
    expect(readdirSync(path.dirname(user.release))).toEqual(['j-clinicalbench']);
    // Found the same from another folder, with the store in the per-user folder too.
    const elsewhere = jcb(['doctor'], user.env, path.resolve(__dirname, '../tasks'));
    expect(elsewhere.out).toContain(`ok  release: ${user.release}`);
    expect(elsewhere.out).toContain(path.join(user.home, 'data', 'jcb', 'jcb.sqlite'));
  });

  it('refuses a release with a manifest file missing, in one line naming it, and data pull replaces it', () => {
    const user = freshUser();
    expect(jcb(['data', 'pull'], user.env).code).toBe(0);
    const victim = 'data/benchmarks/CLR/MR/data.csv';
    rmSync(path.join(user.release, victim));
    const refused = jcb(['leaderboard'], user.env);
    expect(refused.code).toBe(1);
    expect(refused.err.trim().split('\n')).toHaveLength(1);
    expect(refused.err).toMatch(
      new RegExp(
        `not whole: 1 of its \\d+ files are missing or altered \\(${victim} missing\\)\\. Run \`npx jcb data pull\``,
      ),
    );
    const check = jcb(['data', 'check'], user.env);
    expect(check.code).toBe(1);
    expect(check.out.trim().split('\n').pop()).toMatch(/^NOT WHOLE: /);
    const pulled = jcb(['data', 'pull'], user.env);
    expect(pulled.code).toBe(0);
    expect(pulled.out).toMatch(/all \d+ files match the manifest/);
    expect(jcb(['leaderboard'], user.env).code).toBe(0);
    expect(jcb(['data', 'check'], user.env).out.trim().split('\n').pop()).toMatch(/^WHOLE: all \d+ files match/);
  });

  it("never replaces a folder it did not fetch: a hand-made JCB_DATA_DIR is someone's data", () => {
    const user = freshUser();
    expect(jcb(['data', 'pull'], user.env).code).toBe(0);
    const copy = path.join(user.home, 'hand-made');
    cpSync(user.release, copy, { recursive: true });
    rmSync(path.join(copy, '.jcb-pulled'));
    rmSync(path.join(copy, 'data/benchmarks/CLR/MR/data.csv'));
    const before = readdirSync(copy, { recursive: true }).length;
    const r = jcb(['data', 'pull'], { ...user.env, JCB_DATA_DIR: copy });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/jcb did not fetch it, so it will not replace it/);
    expect(readdirSync(copy, { recursive: true })).toHaveLength(before);
  });

  it('refuses a mirror whose files differ from the manifest, leaving nothing in place', () => {
    const user = freshUser({ JCB_RELEASE_MANIFEST: path.resolve(__dirname, '../data/release-manifest.json') });
    const r = jcb(['data', 'pull'], user.env);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n').pop()).toMatch(
      /^jcb: The release just fetched is not the one jcb scores: \d+ of its \d+ files/,
    );
    expect(existsSync(path.dirname(user.release)) ? readdirSync(path.dirname(user.release)) : []).toEqual([]);
  });

  it('says what failed, in a sentence, for a bad JCB_RELEASE_URL', () => {
    const user = freshUser({ JCB_RELEASE_URL: 'file:///nowhere/at/all.git' });
    const r = jcb(['leaderboard'], user.env);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n').pop()).toMatch(
      /^jcb: No J-ClinicalBench release found: .* Fetching it failed: Could not fetch the release \(git: .+\)\./,
    );
    // git's reason, not the advice it adds after it ("…and the repository exists.").
    expect(r.err).toMatch(/\(git: '.*' does not appear to be a git repository\)/);
  });

  it.each(['SIGINT', 'SIGKILL'] as const)(
    'leaves no release in place when the pull is interrupted (%s)',
    async (signal) => {
      // git's pack-objects waits on the mirror's side, so the pull is surely under way when it is stopped.
      const user = freshUser();
      const slow = path.join(user.home, 'slow-pack.sh');
      writeFileSync(slow, '#!/bin/sh\nsleep 3\nexec "$@"\n');
      chmodSync(slow, 0o755);
      const config = path.join(user.home, 'gitconfig');
      writeFileSync(config, `[uploadpack]\n\tpackObjectsHook = ${slow}\n`);
      const child = spawn(process.execPath, [JCB_BIN, 'data', 'pull'], {
        env: { ...process.env, JCB_DATA_DIR: undefined, ...user.env, GIT_CONFIG_GLOBAL: config },
        stdio: 'ignore',
      });
      const ended = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      const parent = path.dirname(user.release);
      const started = Date.now();
      while (
        !(existsSync(parent) && readdirSync(parent).some((f) => f.includes('.pull-'))) &&
        Date.now() - started < 120_000
      )
        await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 300));
      child.kill(signal);
      await ended;
      expect(existsSync(user.release)).toBe(false);
      expect(readdirSync(parent).filter((f) => f.includes('.pull-'))).toHaveLength(signal === 'SIGINT' ? 0 : 1);
      if (signal === 'SIGINT') expect(readdirSync(parent)).toEqual([]); // its hidden work folder removed too
      // The next command finds no release (and would fetch it): nothing partial is taken for whole.
      const r = jcb(['leaderboard'], { ...user.env, JCB_RELEASE_URL: 'file:///nowhere.git' });
      expect(r.err).toMatch(/No J-ClinicalBench release found/);
    },
    300_000, // three runs of the CLI and a pull held on purpose, on a shared machine
  );
});

describe.skipIf(!releaseDir())('the real release through a local mirror', () => {
  it("npx jcb leaderboard on a fresh machine prints the paper's Table 4", () => {
    const user = freshUser({ JCB_RELEASE_URL: gitMirror(releaseDir()!), JCB_RELEASE_MANIFEST: undefined });
    const r = jcb(['leaderboard', '--json'], user.env);
    expect(r.code).toBe(0);
    const board = JSON.parse(r.out.slice(r.out.indexOf('{'))) as {
      rows: { model: string; cells: (number | null)[] }[];
    };
    for (const row of board.rows)
      expect(row.cells.map((c) => (c === null ? null : Number((c * 100).toFixed(1))))).toEqual(
        PAPER_TABLE_4[row.model],
      );
  }, 300_000);
});
