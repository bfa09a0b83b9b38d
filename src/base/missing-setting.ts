// How a setting that is needed is missing, as its operator reads it: a variable set to nothing
// (`SLACK_BOT_TOKEN=`, `OPENAI_API_KEY=$UNSET`) is said to be empty, never "not set", which sends them
// looking for a line that is there.

/** `NAME is not set`, `NAME is empty` or `NAME is blank` (spaces only); undefined when it holds a value. */
export function missingSetting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  if (value === undefined) return `${name} is not set`;
  if (value === '') return `${name} is empty`;
  return value.trim() === '' ? `${name} is blank` : undefined;
}
