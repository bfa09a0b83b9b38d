// The model registry (data/models.yml, or the file JCB_MODELS names), validated at the boundary.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { projectRoot } from '../project.js';

const replayModel = z.object({
  label: z.string().min(1),
  provider: z.literal('replay'),
  /** The model's folder name in the release's generated/ and results/ trees. */
  release: z.string().min(1),
});

const registryFile = z.object({
  models: z.record(
    z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'aliases are lower-case letters, digits, . _ -'),
    replayModel,
  ),
});

export type ModelConfig = z.infer<typeof replayModel> & { alias: string };

export function registryPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.JCB_MODELS || path.join(projectRoot(), 'data', 'models.yml');
}

export function parseRegistry(text: string, source: string): ModelConfig[] {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new UserError(`${source} is not valid YAML: ${(err as Error).message}`);
  }
  const result = registryFile.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new UserError(`${source}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  return Object.entries(result.data.models).map(([alias, m]) => ({ alias, ...m }));
}

let cached: { file: string; models: ModelConfig[] } | undefined;

export function loadModels(env: NodeJS.ProcessEnv = process.env): ModelConfig[] {
  const file = registryPath(env);
  if (cached?.file !== file) cached = { file, models: parseRegistry(readFileSync(file, 'utf8'), file) };
  return cached.models;
}

export function findModel(alias: string, env: NodeJS.ProcessEnv = process.env): ModelConfig {
  const models = loadModels(env);
  const found = models.find((m) => m.alias === alias.toLowerCase());
  if (!found) {
    throw new UserError(`Unknown model "${alias}".`, `Known models: ${models.map((m) => m.alias).join(', ')}.`);
  }
  return found;
}
