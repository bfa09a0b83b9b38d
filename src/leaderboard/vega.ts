// Table 4 as a chart for a paper or a channel, declared in Vega-Lite, rendered to SVG by Vega in Node
// and to PNG by resvg, in a font that draws Japanese where the system has one (IPA Gothic, Noto CJK).
import { existsSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { allTasks } from '../../tasks/index.js';
import type { Leaderboard } from './board.js';

/** `bars`: grouped bars with 95 % bootstrap intervals; `heatmap`: models × settings, the value in each cell. */
export type ChartView = 'bars' | 'heatmap';

const JAPANESE_FONTS = [
  '/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf',
  '/usr/share/fonts/truetype/fonts-japanese-gothic.ttf',
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
];
const FONT = 'IPAGothic, Noto Sans CJK JP, DejaVu Sans, sans-serif';
const METRIC_SHORT: Record<string, string> = { accuracy: 'Acc', F1: 'F1', 'ROUGE-L': 'R-L' };

interface Cell {
  model: string;
  setting: string;
  value: number | null;
  shown: string;
  low: number | null;
  high: number | null;
}

/** One row per (model, setting), values ×100; the setting named with its metric ("MR · F1"). */
function cells(board: Leaderboard): { data: Cell[]; settings: string[]; models: string[] } {
  const settings = board.columns.map((c) => {
    const task = allTasks().find((t) => t.id === c.id);
    return task ? `${c.label} · ${METRIC_SHORT[task.metric] ?? task.metric}` : c.label;
  });
  const data = board.rows.flatMap((r) =>
    board.columns.map((_, i) => {
      const v = r.cells[i];
      const iv = r.intervals?.[i] ?? null;
      return {
        model: r.label,
        setting: settings[i],
        value: v === null ? null : v * 100,
        shown: v === null ? 'n/a' : (v * 100).toFixed(1),
        low: iv ? iv.low * 100 : null,
        high: iv ? iv.high * 100 : null,
      };
    }),
  );
  return { data, settings, models: board.rows.map((r) => r.label) };
}

const title = (board: Leaderboard) => ({
  text: `J-ClinicalBench, ${board.shot}-shot (${board.source === 'paper' ? "the paper's models, replayed generations" : 'stored runs'})`,
  subtitle: 'score ×100: accuracy (Acc), F1 or ROUGE-L (R-L) per setting; n/a: no generations',
  anchor: 'start' as const,
});

/** The Vega-Lite specification of a board's chart (exported for tests and for readers of the figure). */
export function leaderboardSpec(board: Leaderboard, view: ChartView): TopLevelSpec {
  const { data, settings, models } = cells(board);
  const config = { font: FONT, axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11 } };
  if (view === 'heatmap') {
    const x = {
      field: 'setting',
      type: 'nominal' as const,
      sort: settings,
      title: null,
      axis: { labelAngle: -35, orient: 'top' as const },
    };
    const y = { field: 'model', type: 'nominal' as const, sort: models, title: null };
    return {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: title(board),
      data: { values: data },
      width: { step: 62 },
      height: { step: 30 },
      config: { ...config, view: { stroke: null } },
      layer: [
        // Grey under every cell: a cell without a value (n/a) stays grey.
        { mark: { type: 'rect', stroke: 'white', strokeWidth: 1, color: '#eeeeee' }, encoding: { x, y } },
        {
          transform: [{ filter: 'datum.value !== null' }],
          mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
          encoding: {
            x,
            y,
            color: {
              field: 'value',
              type: 'quantitative',
              scale: { scheme: 'blues', domain: [0, 100] },
              title: 'score ×100',
            },
          },
        },
        {
          mark: { type: 'text', fontSize: 12 },
          encoding: {
            x,
            y,
            text: { field: 'shown' },
            color: {
              condition: { test: 'datum.value !== null && datum.value > 55', value: 'white' },
              value: '#222222',
            },
          },
        },
      ],
    };
  }
  const x = { field: 'setting', type: 'nominal' as const, sort: settings, title: null, axis: { labelAngle: -35 } };
  const xOffset = { field: 'model', type: 'nominal' as const, sort: models };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: title(board),
    data: { values: data },
    width: 1000,
    height: 320,
    config,
    encoding: { x, xOffset },
    layer: [
      {
        transform: [{ filter: 'datum.value !== null' }],
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'value', type: 'quantitative', scale: { domain: [0, 100] }, title: 'score ×100' },
          color: { field: 'model', type: 'nominal', sort: models, title: 'model', scale: { scheme: 'tableau10' } },
        },
      },
      {
        transform: [{ filter: 'datum.low !== null' }],
        mark: { type: 'rule', color: '#333333', strokeWidth: 1 },
        encoding: { y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' } },
      },
      {
        transform: [{ filter: 'datum.value === null' }, { calculate: '0', as: 'zero' }],
        mark: { type: 'text', angle: 270, align: 'left', dx: 3, fontSize: 9, color: '#666666' },
        encoding: { y: { field: 'zero', type: 'quantitative' }, text: { value: 'n/a' } },
      },
    ],
  };
}

/** The chart as SVG text. */
export async function leaderboardSvg(board: Leaderboard, view: ChartView): Promise<string> {
  const runtime = vega.parse(compile(leaderboardSpec(board, view)).spec);
  const svg = await new vega.View(runtime, { renderer: 'none' }).toSVG();
  // A white ground: resvg and image viewers otherwise show the transparent parts black or checkered.
  return svg.replace(/(<svg[^>]*>)/, '$1<rect width="100%" height="100%" fill="white"/>');
}

/** The chart as PNG (twice the SVG's size, for print) or SVG; fonts from the system, Japanese first. */
export async function leaderboardChart(board: Leaderboard, view: ChartView, format: 'png' | 'svg'): Promise<Buffer> {
  const svg = await leaderboardSvg(board, view);
  if (format === 'svg') return Buffer.from(svg);
  const fontFiles = JAPANESE_FONTS.filter((f) => existsSync(f));
  return new Resvg(svg, {
    font: { fontFiles, loadSystemFonts: true, defaultFontFamily: fontFiles.length ? 'IPAGothic' : 'DejaVu Sans' },
    fitTo: { mode: 'zoom', value: 2 },
    background: 'white',
  })
    .render()
    .asPng();
}
