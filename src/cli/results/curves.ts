// Learning curves (loss and accuracy per epoch, training vs validation) drawn by Vega-Lite, rendered headless
// by Vega to SVG and by resvg to PNG. The plotting libraries load on first use, so other commands stay quick.
import type { EpochRow } from './record.js';

interface Point {
  epoch: number;
  metric: 'loss' | 'accuracy';
  split: 'training' | 'validation';
  value: number;
}

function points(history: readonly EpochRow[]): Point[] {
  const out: Point[] = [];
  for (const h of history) {
    const add = (metric: Point['metric'], split: Point['split'], v: number | null): void => {
      if (v !== null && Number.isFinite(v)) out.push({ epoch: h.epoch, metric, split, value: v });
    };
    add('loss', 'training', h.loss);
    add('loss', 'validation', h.val_loss);
    add('accuracy', 'training', h.accuracy);
    add('accuracy', 'validation', h.val_accuracy);
  }
  return out;
}

/** The Vega-Lite spec: two panels side by side (loss, accuracy), a line per split. */
export function curvesSpec(title: string, history: readonly EpochRow[]): Record<string, unknown> {
  const panel = (metric: 'loss' | 'accuracy'): Record<string, unknown> => ({
    title: metric,
    width: 320,
    height: 220,
    transform: [{ filter: `datum.metric === '${metric}'` }],
    mark: { type: 'line', point: history.length < 40 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
      y: { field: 'value', type: 'quantitative', title: metric, scale: { zero: false } },
      color: { field: 'split', type: 'nominal', title: null, scale: { domain: ['training', 'validation'] } },
    },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    background: 'white',
    data: { values: points(history) },
    hconcat: [panel('loss'), panel('accuracy')],
  };
}

/** SVG and PNG (2x) of the curves. */
export async function renderCurves(title: string, history: readonly EpochRow[]): Promise<{ svg: string; png: Uint8Array }> {
  const [vega, vl, { Resvg }] = await Promise.all([import('vega'), import('vega-lite'), import('@resvg/resvg-js')]);
  const spec = vl.compile(curvesSpec(title, history) as unknown as Parameters<typeof vl.compile>[0]).spec;
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const png = new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' } }).render().asPng();
  return { svg, png };
}
