// Text as the person typed it, from Slack's encoding of it ("Formatting text for app surfaces",
// api.slack.com/reference/surfaces/formatting): Slack sends a typed `&`, `<`, `>` as `&amp;`, `&lt;`, `&gt;`,
// and mentions, channels and links as `<@U…>`, `<!here>`, `<#C…|name>`, `<https://x|label>`. Every entry of the
// bot (slash commands, mentions, DMs, the shortcut) reads text through `fromSlack`, once; limits then count
// what was typed. The way back (escaping for mrkdwn, code blocks) is in blocks/text.ts.

export interface FromSlackOptions {
  /** The bot's own user id: its mention is removed (it is how the person addressed the bot). */
  botUserId?: string;
  /**
   * `name` (default): a channel reference reads `#name`. `keep`: it stays `<#C…|name>`, for the grammar's
   * `--post`, which needs the channel's id.
   */
  channels?: 'name' | 'keep';
}

// One angle-bracketed entity: its body up to `|`, then the label. Slack escapes `<`, `>` in both.
const ENTITY = /<([^<>|]*)(?:\|([^<>]*))?>/g;
const SCHEME = /^(?:https?:\/\/|mailto:|tel:)/i;

/** `&lt;` `&gt;` `&amp;` back to the characters (the three entities Slack uses; `&amp;` last). */
export function unescapeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function entity(body: string, label: string | undefined, opts: FromSlackOptions): string {
  const shown = label === undefined ? undefined : unescapeEntities(label);
  switch (body[0]) {
    case '@':
      // People: never a name (names are personal information); the bot itself: gone.
      return body.slice(1) === opts.botUserId ? '' : '@user';
    case '#':
      if (opts.channels === 'keep') return `<${body}${label === undefined ? '' : `|${label}`}>`;
      return shown ? `#${shown.replace(/^#/, '')}` : '#channel';
    case '!': {
      const [command] = body.slice(1).split('^');
      if (command === 'channel' || command === 'here' || command === 'everyone') return `@${command}`;
      if (command === 'subteam') return '@group';
      return shown ?? ''; // `<!date^…|fallback>` and the like: what Slack shows
    }
    default: {
      const url = unescapeEntities(body);
      if (shown === undefined) return url;
      // A link typed as text arrives as `<http://x.org|x.org>`: the label is what was typed.
      const bare = url.replace(SCHEME, '');
      return shown === url || shown === bare || shown.replace(SCHEME, '') === bare ? shown : `${shown} (${url})`;
    }
  }
}

/**
 * The text a person typed, from Slack's encoding of it: links to their label (and the address, when the label
 * is other text), `<!channel>`/`<!here>`/`<!everyone>` to `@channel`/`@here`/`@everyone`, user groups to
 * `@group`, other people to `@user`, the bot's own mention removed, channels to `#name`, then the entities.
 */
export function fromSlack(text: string, opts: FromSlackOptions = {}): string {
  let out = '';
  let at = 0;
  // Entities between the entities only: a label's text is unescaped once, inside `entity`.
  for (const m of text.matchAll(ENTITY)) {
    out += unescapeEntities(text.slice(at, m.index)) + entity(m[1], m[2], opts);
    at = m.index + m[0].length;
  }
  return out + unescapeEntities(text.slice(at));
}
