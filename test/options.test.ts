// Options and help as kinds, generated from the command table: every numeric option has a range, every
// option given twice is refused, every command and group answers `help`, `--help` and `-h`, an unknown help
// topic lists the commands, and a line typed with ideographic spaces reads as its words.
import { describe, expect, it } from 'vitest';
import { COMMANDS, offeredOn, type CommandSpec, type OptionSpec } from '../src/command/commands.js';
import { commandWords, parseCommand, splitWords } from '../src/command/grammar.js';
import { commandHelp, subcommandsOf } from '../src/command/help.js';
import { parse, refusal } from './grammar-helpers.js';

/** `jcb <command>` with its required positionals filled with words the grammar accepts. */
function head(c: CommandSpec): string {
  const fill = { task: ['mr'], model: ['baseline', 'llm-jp'], text: ['r-1'] } as const;
  const used = { task: 0, model: 0, text: 0 };
  const words = c.positionals.filter((p) => !p.optional).map((p) => fill[p.kind ?? 'text'][used[p.kind ?? 'text']++]);
  return [c.name, ...words].join(' ');
}

/** A value the option accepts: its first choice, a number in range, or a word with the extension it needs. */
function valueOf(o: OptionSpec): string {
  if (o.choices) return o.choices[0];
  if (o.range) return String(Math.max(1, o.range[0]));
  if (o.name === 'chart') return 'c.svg';
  if (o.name === 'output' || o.name === 'log-samples') return 'out.json';
  if (o.name === 'post') return '#general';
  return 'x';
}

const terminalOptions = COMMANDS.filter((c) => offeredOn(c.faces, 'terminal')).flatMap((c) =>
  c.options.filter((o) => offeredOn(o.faces, 'terminal')).map((o) => [`${c.name} --${o.name}`, c, o] as const),
);

describe('numeric options', () => {
  it('every option that takes a number (N, USD) has a range in the table', () => {
    for (const [label, , o] of terminalOptions) expect(Boolean(o.range), label).toBe(/^(N|USD)$/.test(o.value ?? ''));
  });

  const ranged = terminalOptions.filter(([, , o]) => o.range);
  it.each(ranged)('%s accepts its bounds and refuses past them', (_, c, o) => {
    const [min, max] = o.range!;
    const whole = o.value === 'N';
    const inside = whole ? [min, max] : [0.01, max];
    for (const v of inside) expect(() => parse(`${head(c)} --${o.name} ${v}`, 'terminal')).not.toThrow();
    const outside = whole ? [min - 1, max + 1, min + 0.5, 100_000_000] : [0, -1, max + 1];
    for (const v of outside)
      expect(refusal(`${head(c)} --${o.name} ${v}`, 'terminal').message).toMatch(
        new RegExp(`^--${o.name} must be .*${whole ? `from ${min} to ${max.toLocaleString('en-US')}` : 'at most'}`),
      );
  });

  // Decimal digits only: Number() reads each of these as a number in range, which a person did not write.
  it.each(ranged)('%s refuses every notation but decimal digits (hex, exponent, sign, spaces)', (_, c, o) => {
    for (const v of ['0x10', '1e3', '1E1', '+5', '0b11', '0o7', '5.', '.5e1', 'Infinity'])
      expect(refusal(`${head(c)} --${o.name} ${v}`, 'terminal').message, v).toMatch(
        new RegExp(`^--${o.name} must be `),
      );
    expect(() => parse(`${head(c)} --${o.name} ５`, 'terminal'), 'full-width digits read after NFKC').not.toThrow();
  });
});

describe('positionals', () => {
  // Every positional of every command, given as an empty word: refused, never read as left out (`score ""`).
  const cases = COMMANDS.filter((c) => offeredOn(c.faces, 'terminal')).flatMap((c) =>
    c.positionals.map((p, i) => [`${c.name} ${p.shown}`, c, i] as const),
  );
  it.each(cases)('%s refuses an empty word', (_, c, i) => {
    const fill = { task: 'mr', model: 'baseline', text: 'r-1' } as const;
    const words = [...c.name.split(' '), ...c.positionals.slice(0, i).map((p) => fill[p.kind ?? 'text']), ''];
    let message = '';
    try {
      parseCommand(words, { face: 'terminal' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(new RegExp(`^"${c.name}" got an empty `));
  });
});

describe('an option given twice', () => {
  it.each(terminalOptions)('%s twice is refused, in any spelling', (_, c, o) => {
    const once = o.value ? `--${o.name} ${valueOf(o)}` : `--${o.name}`;
    expect(refusal(`${head(c)} ${once} ${once}`, 'terminal').message).toBe(`--${o.name} is given twice; give it once.`);
    if (o.short) {
      const short = `-${o.short} ${valueOf(o)}`;
      expect(refusal(`${head(c)} ${once} ${short}`, 'terminal').message).toMatch(/is given twice/);
    }
  });

  it.each(terminalOptions.filter(([, , o]) => !o.value))('%s=1 (a flag given a value) is refused', (_, c, o) => {
    // yargs-parser read anything but `=true` as false: `eval … --dry-run=1` ran a real evaluation.
    for (const v of ['1', 'yes', 'true', 'false', ''])
      expect(refusal(`${head(c)} --${o.name}=${v}`, 'terminal').message).toBe(
        `--${o.name} takes no value: write --${o.name} alone.`,
      );
  });

  it('an unknown option is echoed as typed', () => {
    expect(refusal('bot --x', 'terminal').message).toMatch(/^Unknown option --x for "bot"/);
    expect(refusal('bot -x', 'terminal').message).toMatch(/^Unknown option -x for "bot"/);
  });

  it('a word after -- is not an option', () => {
    expect(parse('score -- --json', 'terminal')).toMatchObject({ kind: 'score', target: '--json' });
  });
});

describe('help for every command, sub-command and group', () => {
  const names = COMMANDS.filter((c) => offeredOn(c.faces, 'terminal')).map((c) => c.name);
  // A group: the first word of sub-commands that is not a command itself (`data`; `models` is one).
  const groups = [...new Set(names.filter((n) => n.includes(' ')).map((n) => n.split(' ')[0]))].filter(
    (g) => !names.includes(g),
  );

  const withSubs = [...new Set(names.filter((n) => n.includes(' ')).map((n) => n.split(' ')[0]))];
  it.each([...new Set([...names, ...withSubs])])('%s: `help`, `--help`, `-h` and the full-width spelling', (name) => {
    const expected = { kind: 'help', command: name };
    for (const words of [`help ${name}`, `${name} --help`, `${name} -h`, `ｈｅｌｐ　${name}`])
      expect(parseCommand(commandWords(words.split(' ')), { face: 'terminal' }), words).toEqual(expected);
    const text = commandHelp(name, 'terminal');
    expect(text).toMatch(new RegExp(`^Usage: jcb ${name}`));
    for (const sub of subcommandsOf(name, 'terminal')) expect(text).toContain(`jcb ${sub.name}`);
  });

  it.each(groups)('bare `jcb %s` is its help', (group) => {
    expect(parse(group, 'terminal')).toEqual({ kind: 'help', command: group });
  });

  it('an unknown topic lists the commands', () => {
    const r = refusal('help nosuch', 'terminal');
    expect(r.message).toBe('Unknown command "nosuch".');
    expect(r.hint).toBe(`Commands: ${[...new Set(names.map((n) => n.split(' ')[0]))].join(', ')}.`);
  });
});

describe('a line typed with ideographic spaces, in a terminal and in Slack', () => {
  it('reads as its words; a path option keeps its value whole', () => {
    expect(commandWords(['ｒｕｎ　ｍｒ　ｌｌｍ－ｊｐ'])).toEqual(['ｒｕｎ', 'ｍｒ', 'ｌｌｍ－ｊｐ']);
    expect(parseCommand(commandWords(['ｒｕｎ　ｍｒ　ｌｌｍ－ｊｐ']), { face: 'terminal' })).toEqual(
      parse('run mr llm-jp', 'terminal'),
    );
    expect(commandWords(['run', 'mr　llm-jp', '--shot　zero'])).toEqual(['run', 'mr', 'llm-jp', '--shot', 'zero']);
    expect(commandWords(['score', '-o', '新しい　フォルダ/x.csv'])).toEqual(['score', '-o', '新しい　フォルダ/x.csv']);
    expect(commandWords(['export', 'r1', '－－ｄｉｒ', 'ａ　ｂ'])).toEqual(['export', 'r1', '－－ｄｉｒ', 'ａ　ｂ']);
    // A word of ideographic spaces only is a blank (typed after an ASCII one), not an empty word.
    expect(commandWords(['run', 'mr', '　', 'llm-jp'])).toEqual(['run', 'mr', 'llm-jp']);
    expect(splitWords('run mr 　 llm-jp')).toEqual(['run', 'mr', 'llm-jp']);
  });

  // The words each face reads: a terminal's argv (the shell split at ASCII blanks), or `/jcb` text (a mention, a
  // DM) split by splitWords; both by the one rule (commandWords).
  const faces = {
    terminal: (words: string[]) => commandWords(words),
    slack: (words: string[]) => splitWords(words.map((w) => (w === '' ? '""' : w)).join(' ')),
  } as const;
  const FACES = Object.keys(faces) as (keyof typeof faces)[];

  // Every path option in its `--name=value` form, and every positional that is a path or free text (a file,
  // Japanese text, a document id): kept whole, from the table, on every face that offers it. Task and model
  // words are still split.
  const pathOptions = FACES.flatMap((face) =>
    COMMANDS.filter((c) => offeredOn(c.faces, face)).flatMap((c) =>
      c.options
        .filter((o) => o.path && offeredOn(o.faces, face))
        .map((o) => [`${face}: ${c.name} --${o.name}`, face, c, o] as const),
    ),
  );
  it.each(pathOptions)('%s=<a path with an ideographic space> keeps the path whole', (_, face, c, o) => {
    const value = o.path === 'folder' ? '新しい　フォルダ' : `新しい　フォルダ/${valueOf(o)}`;
    const words = [...head(c).split(' '), `--${o.name}=${value}`];
    expect(faces[face](words)).toEqual(words);
  });
  const textPositionals = FACES.flatMap((face) =>
    COMMANDS.filter((c) => offeredOn(c.faces, face)).flatMap((c) =>
      c.positionals.flatMap((p, i) =>
        p.path || p.kind === 'text' ? [[`${face}: ${c.name} ${p.shown}`, face, c, i] as const] : [],
      ),
    ),
  );
  it('the Slack face has text positionals (ask, run …)', () => {
    expect(textPositionals.filter(([, face]) => face === 'slack').length).toBeGreaterThan(0);
  });
  it.each(textPositionals)('%s with an ideographic space is one word; an empty one stays', (_, face, c, i) => {
    const fill = { task: 'mr', model: 'baseline', text: 'r-1' } as const;
    const before = [...c.name.split(' '), ...c.positionals.slice(0, i).map((p) => fill[p.kind ?? 'text'])];
    for (const word of ['山田　太郎', '', '山田　太郎さんは　昨日から'])
      expect(faces[face]([...before, word]), JSON.stringify(word)).toEqual([...before, word]);
  });

  it('free text needs no quotes on either face (ask was "Too many arguments" in Slack\'s words)', () => {
    expect(parse('ask mr baseline 山田　太郎さんは　昨日から発熱')).toMatchObject({
      kind: 'ask',
      text: '山田　太郎さんは　昨日から発熱',
    });
    expect(parse('ｒｕｎ　ｍｒ　ｂａｓｅｌｉｎｅ 文書　１', 'slack')).toMatchObject({ kind: 'run', doc: '文書　１' });
  });
});

describe('eval --queue', () => {
  // What acts where the run ends, or on this process, was accepted and did nothing (-o never written, exit 0).
  it.each([
    ['-o out.json', /^-o writes when the run ends here; it does not go with --queue/],
    ['--output=out.json', /^-o writes when the run ends here/],
    ['--log-samples s.jsonl', /^--log-samples writes when the run ends here; it does not go with --queue\.$/],
    ['--concurrency 3', /^--concurrency is this process's; queued documents are taken by workers/],
  ])('refuses %s', (option, message) => {
    expect(refusal(`eval mr baseline --queue ${option}`, 'terminal').message).toMatch(message);
    expect(() => parse(`eval mr baseline ${option}`, 'terminal')).not.toThrow();
  });
});

describe('models add', () => {
  it('a bad alias is said as the argument, not as the registry file', async () => {
    const { addModel } = await import('../src/models/registry.js');
    expect(() => addModel('a b', { provider: 'openai', model: 'm' })).toThrow(
      /^Model "a b" not added: aliases are lower-case letters, digits, \. _ -\.$/,
    );
  });
});

describe('compare', () => {
  it('refuses the same model twice', () => {
    expect(refusal('compare gpt-4o GPT-4o mr', 'terminal').message).toBe(
      '"compare" needs two different models, not gpt-4o twice.',
    );
  });
});
