// Who administers jcb in Slack: JCB_ADMINS, comma-separated Slack user ids (one helper for every face).

/** The admins' Slack user ids; none when JCB_ADMINS is unset. */
export function admins(env: NodeJS.ProcessEnv = process.env): Set<string> {
  return new Set(
    (env.JCB_ADMINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
}
