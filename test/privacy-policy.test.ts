// The rule for people's own free text (issue 14) without the bot: what may be sent to which model, the
// refusal's words, the audit rows (an SQLite store in a temporary folder) and their table.
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { table } from '../src/base/table.js';
import { UserError, userErrorText } from '../src/base/errors.js';
import { parseRegistry } from '../src/models/registry.js';
import { renderAudit } from '../src/privacy/audit-table.js';
import {
  auditRows,
  CheckFailedError,
  countByKind,
  FindingsError,
  guardFreeText,
  recordFreeText,
  summary,
  type AuditRow,
} from '../src/privacy/free-text.js';
import type { Finding } from '../src/privacy/kinds.js';
import { Store } from '../src/store/store.js';

const [external, onPremises, replay] = parseRegistry(
  `models:
  cloud: { provider: openai, model: gpt-4o-mini }
  ward: { provider: openai-compatible, model: ward, baseUrl: "http://10.0.0.5/v1", dataPolicy: on-premises }
  base: { provider: baseline }`,
  'models.yml',
);

const NOTE = '次女の美咲さん（090-8765-4321）が面会に来た．';
const MASKED = '次女の[氏名]さん（[電話番号]）が面会に来た．';
const PLAIN = '夜間の発熱なし，食事は全量摂取．';
const finding = (kind: Finding['kind'], start: number, text: string): Finding => ({
  kind,
  start,
  end: start + text.length,
  text,
});

describe('counting findings', () => {
  const findings = [finding('name', 0, '森'), finding('phone', 3, '0312345678'), finding('name', 20, '林')];

  it('counts them by kind, in the order the kinds first appear', () => {
    expect(countByKind(findings)).toEqual({ name: 2, phone: 1 });
    expect(Object.keys(countByKind([...findings].reverse()))).toEqual(['name', 'phone']);
    expect(countByKind([])).toEqual({});
  });

  it('summarises them with the kinds’ labels', () => {
    expect(summary(findings)).toBe('2 氏名, 1 電話番号');
    expect(summary([finding('record', 0, '1234')])).toBe('1 ID');
    expect(summary([])).toBe('');
  });
});

describe('guarding free text', () => {
  it('refuses text with findings for an external model unless masked, naming the findings and the way out', async () => {
    const err = await guardFreeText(NOTE, external, false, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FindingsError);
    const refused = err as FindingsError;
    expect(refused.model).toBe('cloud');
    expect(refused.masked).toBe(MASKED);
    expect(refused.findings.map((f) => [f.kind, f.text])).toEqual([
      ['name', '美咲'],
      ['phone', '090-8765-4321'],
    ]);
    expect(userErrorText(refused, 'chat')).toBe(
      'Not sent: your text holds personal information (1 氏名, 1 電話番号) and cloud is an external model. ' +
        'Send it masked (each finding replaced by its kind, e.g. [氏名]), or choose an on-premises model.',
    );
  });

  it('sends the masked text to an external model when masking was chosen', async () => {
    const guarded = await guardFreeText(NOTE, external, true, {});
    expect(guarded).toEqual({
      text: MASKED,
      applied: 'masked',
      dataPolicy: 'external',
      findings: [finding('name', 3, '美咲'), finding('phone', 8, '090-8765-4321')],
    });
  });

  it('sends text without findings as it is, even to an external model', async () => {
    expect(await guardFreeText(PLAIN, external, false, {})).toEqual({
      text: PLAIN,
      applied: 'sent',
      dataPolicy: 'external',
      findings: [],
    });
    expect(await guardFreeText(PLAIN, onPremises, true, { JCB_FREE_TEXT_POLICY: 'mask-always' })).toEqual({
      text: PLAIN,
      applied: 'sent',
      dataPolicy: 'on-premises',
      findings: [],
    });
  });

  it('sends the original to an on-premises model, masked or not, unless the policy is mask-always', async () => {
    for (const model of [onPremises, replay]) {
      const guarded = await guardFreeText(NOTE, model, true, { JCB_FREE_TEXT_POLICY: 'send' });
      expect([guarded.text, guarded.applied, guarded.dataPolicy, guarded.findings.length]).toEqual([
        NOTE,
        'sent',
        'on-premises',
        2,
      ]);
    }
    const masked = await guardFreeText(NOTE, onPremises, true, { JCB_FREE_TEXT_POLICY: 'mask-always' });
    expect([masked.text, masked.applied, masked.dataPolicy]).toEqual([MASKED, 'masked', 'on-premises']);
    const refused = await guardFreeText(NOTE, onPremises, false, { JCB_FREE_TEXT_POLICY: 'mask-always' }).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(FindingsError);
    expect((refused as FindingsError).model).toBe('ward');
  });
});

describe('failing closed (issue 27)', () => {
  it('refuses when the detector throws, saying why only for an operator’s mistake, never the internals', async () => {
    const crash = async (): Promise<Finding[]> => {
      throw new TypeError("Cannot read properties of undefined (reading 'length')");
    };
    for (const model of [external, onPremises]) {
      const err = await guardFreeText(PLAIN, model, true, {}, crash).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CheckFailedError);
      expect(userErrorText(err as CheckFailedError, 'chat')).toBe(
        'The check for personal information failed on this text: nothing was sent. Try again, or send a shorter part of the text.',
      );
    }
    const listMissing = async (): Promise<Finding[]> => {
      throw new UserError('The facility list cannot be read.');
    };
    const err = await guardFreeText(PLAIN, external, true, {}, listMissing).catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      'The check for personal information failed on this text (The facility list cannot be read): nothing was sent.',
    );
  });

  it('refuses when the detector does not answer within JCB_CHECK_TIMEOUT_MS', async () => {
    const silent = () => new Promise<Finding[]>(() => {});
    const err = await guardFreeText('熱', onPremises, true, { JCB_CHECK_TIMEOUT_MS: '20' }, silent).catch((e) => e);
    expect(err).toBeInstanceOf(CheckFailedError);
    // The machine's state, not the text's: never "send a shorter part" (a one-character text times out too).
    expect(userErrorText(err as CheckFailedError, 'chat')).toBe(
      'The check for personal information did not finish within 0.02 s: nothing was sent. The machine is busy (the first check also loads its dictionary): try again in a moment.',
    );
    expect(userErrorText(err as CheckFailedError, 'terminal')).toBe(
      'The check for personal information did not finish within 0.02 s: nothing was sent (JCB_CHECK_TIMEOUT_MS). The machine is busy (the first check also loads its dictionary): try again in a moment, or raise JCB_CHECK_TIMEOUT_MS.',
    );
  });

  it('reads a NUL, controls and lone surrogates as blanks: a text holding them is checked and masked', async () => {
    const err = await guardFreeText(`次女の美咲さん\u0000\ud800（090-8765-4321）`, external, false, {}).catch(
      (e: unknown) => e,
    );
    expect((err as FindingsError).masked).toBe('次女の[氏名]さん\u0000\ud800（[電話番号]）');
  });
});

describe('the audit of free text', () => {
  let store: Store;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'jcb-privacy-audit-'));
  beforeAll(async () => {
    store = await Store.open({ JCB_STORE: path.join(dir, 'jcb.sqlite') });
  });
  afterAll(async () => {
    await store?.db.destroy();
  });

  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  const guarded = (text: string, applied: 'sent' | 'masked', findings: Finding[]) =>
    ({ text, applied, dataPolicy: applied === 'masked' ? 'external' : 'on-premises', findings }) as const;

  it('stores hashes, lengths in characters and counts, the text only with JCB_KEEP_FREE_TEXT=1; newest first', async () => {
    const original = '𠮷野さん 03-1111-2222';
    const findings = [finding('name', 0, '𠮷野'), finding('phone', 6, '03-1111-2222')];
    const before = new Date().toISOString();
    await recordFreeText(
      store,
      {
        user: 'U1',
        origin: 'dm',
        model: 'cloud',
        original,
        guarded: guarded('[氏名]さん [電話番号]', 'masked', findings),
        answer: 'a1',
      },
      {},
    );
    await new Promise((r) => setTimeout(r, 5));
    await recordFreeText(
      store,
      { user: 'U2', origin: 'cli', model: 'ward', original: PLAIN, guarded: guarded(PLAIN, 'sent', []), answer: 'a2' },
      { JCB_KEEP_FREE_TEXT: '1' },
    );
    const rows = await auditRows(store);
    expect(rows.map(({ at: _, ...r }) => r)).toEqual([
      {
        user: 'U2',
        origin: 'cli',
        model: 'ward',
        dataPolicy: 'on-premises',
        applied: 'sent',
        findings: {},
        sha256: sha(PLAIN),
        length: 16,
        kept: true,
      },
      {
        user: 'U1',
        origin: 'dm',
        model: 'cloud',
        dataPolicy: 'external',
        applied: 'masked',
        findings: { name: 1, phone: 1 },
        sha256: sha(original),
        length: 17,
        kept: false,
      },
    ] satisfies Omit<AuditRow, 'at'>[]);
    expect(rows[1].at >= before && rows[1].at <= rows[0].at).toBe(true);
    expect(rows[0].at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const stored = await store.db
      .selectFrom('free_text_audit')
      .select(['id', 'text', 'answer', 'created_at'])
      .orderBy('id')
      .execute();
    expect(stored.map((r) => [r.text, r.answer])).toEqual([
      [null, null],
      [PLAIN, 'a2'],
    ]);
    for (const r of stored) expect(r.id).toMatch(new RegExp(`^${r.created_at}-[0-9a-f]{8}$`));
    expect(await auditRows(store, 1)).toHaveLength(1);
  });
});

describe('the audit table', () => {
  const row = (over: Partial<AuditRow>): AuditRow => ({
    user: 'U1',
    origin: 'dm',
    at: '2026-03-04T05:06:07.890Z',
    model: 'cloud',
    dataPolicy: 'external',
    applied: 'masked',
    findings: { name: 2, phone: 1 },
    sha256: 'abcdef0123456789abcdef',
    length: 42,
    kept: false,
    ...over,
  });

  it('says when nothing was sent', () => {
    expect(renderAudit([])).toBe('No free text has been sent to a model.');
  });

  it('shows time to the second, counts by kind (– for none) and the hash’s first 12 digits', () => {
    const header = ['time', 'user', 'origin', 'model', 'policy', 'applied', 'findings', 'length', 'sha256'];
    expect(renderAudit([row({}), row({ user: 'U9', findings: {}, applied: 'sent', length: 7 })])).toBe(
      table(header, [
        ['2026-03-04 05:06:07', 'U1', 'dm', 'cloud', 'external', 'masked', 'name 2, phone 1', '42', 'abcdef012345'],
        ['2026-03-04 05:06:07', 'U9', 'dm', 'cloud', 'external', 'sent', '–', '7', 'abcdef012345'],
      ]),
    );
  });
});
