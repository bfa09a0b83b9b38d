// Table 4 as a chart: grouped bars (one group per setting, one bar per model), drawn as SVG and
// rendered offline to PNG with resvg, in a font that draws Japanese where the system has one.
import { existsSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import type { Leaderboard } from './board.js';

const COLORS = [
  '#1d4f91',
  '#e4572e',
  '#29335c',
  '#f3a712',
  '#669bbc',
  '#a8c686',
  '#8d6a9f',
  '#c1666b',
  '#4b8f8c',
  '#6c757d',
];
// IPA Gothic (Debian: fonts-ipafont-gothic) or Noto CJK draw Japanese; DejaVu is the fallback.
const JAPANESE_FONTS = [
  '/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf',
  '/usr/share/fonts/truetype/fonts-japanese-gothic.ttf',
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function leaderboardSvg(board: Leaderboard): string {
  const groupWidth = 96;
  const left = 50;
  const top = 70;
  const plot = 300;
  const width = left + board.columns.length * groupWidth + 190;
  const height = top + plot + 60;
  const bar = Math.max(3, Math.floor((groupWidth - 16) / Math.max(1, board.rows.length)));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="IPAGothic, Noto Sans CJK JP, DejaVu Sans, sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="30" font-size="20" font-weight="bold">J-ClinicalBench リーダーボード (${board.shot}-shot, ${board.source === 'paper' ? '論文のモデル' : '保存された実行'})</text>`,
  ];
  for (const tick of [0, 25, 50, 75, 100]) {
    const y = top + plot - (tick / 100) * plot;
    parts.push(
      `<line x1="${left}" x2="${left + board.columns.length * groupWidth}" y1="${y}" y2="${y}" stroke="#ddd"/>`,
    );
    parts.push(`<text x="${left - 8}" y="${y + 4}" font-size="11" text-anchor="end">${tick}</text>`);
  }
  board.columns.forEach((col, c) => {
    const x0 = left + c * groupWidth + 8;
    board.rows.forEach((row, r) => {
      const v = row.cells[c];
      if (v === null) return;
      const h = v * plot;
      parts.push(
        `<rect x="${x0 + r * bar}" y="${top + plot - h}" width="${bar - 1}" height="${h}" fill="${COLORS[r % COLORS.length]}"/>`,
      );
    });
    parts.push(
      `<text x="${x0 + (groupWidth - 16) / 2}" y="${top + plot + 18}" font-size="12" text-anchor="middle">${esc(col.label)}</text>`,
    );
  });
  board.rows.forEach((row, r) => {
    const y = top + 10 + r * 20;
    const x = left + board.columns.length * groupWidth + 20;
    parts.push(`<rect x="${x}" y="${y - 10}" width="12" height="12" fill="${COLORS[r % COLORS.length]}"/>`);
    parts.push(`<text x="${x + 18}" y="${y}" font-size="12">${esc(row.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

export function leaderboardPng(board: Leaderboard): Buffer {
  const fontFiles = JAPANESE_FONTS.filter((f) => existsSync(f));
  const png = new Resvg(leaderboardSvg(board), {
    font: { fontFiles, loadSystemFonts: true, defaultFontFamily: fontFiles.length ? 'IPAGothic' : 'DejaVu Sans' },
    background: 'white',
  }).render();
  return png.asPng();
}
