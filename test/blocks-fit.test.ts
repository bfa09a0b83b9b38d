// Finding 8 of breaker-slack: a list cut to fit Slack's limits, or by a count, says so; whole items only. One helper
// (fitItems) does every cut of blocks in handlers/.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { blockTextLength, context, fitItems, LIMITS, message, section } from '../handlers/blocks/text.js';

/** A run's blocks as /jcb status shows one: three. */
const run = (i: number): KnownBlock[] => [section(`*Run ${i}*`), section('x'.repeat(100)), context(`run ${i} details`)];
const texts = (blocks: KnownBlock[]) => blocks.map((b) => JSON.stringify(b));

describe('fitItems', () => {
  it('keeps a list that fits as it is, with no note', () => {
    const items = Array.from({ length: 5 }, (_, i) => run(i));
    expect(fitItems(items)).toEqual(items.flat());
  });

  it('cuts by blocks between whole items and says how many of how many, and where the rest is', () => {
    const items = Array.from({ length: 20 }, (_, i) => run(i));
    const fit = fitItems(items, { noun: 'runs', rest: '`/jcb status --all`' });
    expect(fit.length).toBeLessThanOrEqual(LIMITS.blocks);
    // 16 whole runs (48 blocks) and the note: never the 17th's first blocks without its last.
    expect(fit.slice(0, -1)).toEqual(items.slice(0, 16).flat());
    expect(JSON.stringify(fit.at(-1))).toContain('Showing 16 of 20 runs: `/jcb status --all`');
  });

  it('says so when a list was cut by a count before (total)', () => {
    const items = Array.from({ length: 5 }, (_, i) => run(i));
    const fit = fitItems(items, { total: 20, noun: 'runs under way', rest: '`/jcb status --all`' });
    expect(fit.slice(0, -1)).toEqual(items.flat());
    expect(JSON.stringify(fit.at(-1))).toContain('Showing 5 of 20 runs under way: `/jcb status --all`');
  });

  it("cuts by a message's characters too, the note included", () => {
    const items = Array.from({ length: 10 }, (_, i) => [section(`${i}${'y'.repeat(2900)}`)]);
    const fit = fitItems(items, { noun: 'tables' });
    expect(blockTextLength(fit)).toBeLessThanOrEqual(LIMITS.messageBlocksText);
    expect(texts(fit).at(-1)).toContain('Showing 3 of 10 tables.');
  });

  it('message() says when its blocks were cut', () => {
    const m = message(
      't',
      Array.from({ length: 60 }, (_, i) => section(`part ${i}`)),
    );
    expect(m.blocks).toHaveLength(LIMITS.blocks);
    expect(texts(m.blocks).at(-1)).toContain('Showing 49 of 60 parts');
  });

  it('is the only way handlers cut a list of blocks', () => {
    const dir = path.join(import.meta.dirname, '..', 'handlers');
    const cuts = readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .flatMap((e) => {
        const file = path.join(e.parentPath, e.name);
        return readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => /blocks\)?\.slice\(0, (?!-)|\.slice\(0, LIMITS\.(home)?[bB]locks/.test(l))
          .map((l) => `${path.relative(dir, file)}: ${l.trim()}`);
      });
    expect(cuts).toEqual([]);
  });
});
