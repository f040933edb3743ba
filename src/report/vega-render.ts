/**
 * Renders a vega-lite spec to a standalone SVG string with vega's headless View: no canvas, no
 * DOM, no browser, and nothing that reads the clock or a random source, so a spec gives the same
 * bytes on every run. The charts (lag-chart.ts, timeline.ts) share it.
 */
import type { TopLevelSpec } from 'vega-lite/build/index';
import { importEsm } from './esm';

type Vega = typeof import('vega');
type VegaLite = typeof import('vega-lite/build/index');

/** The spec compiled and rendered to an SVG document string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([importEsm<Vega>('vega'), importEsm<VegaLite>('vega-lite')]);
  // vega-lite warns on stderr by default; the charts are deliberate, so only errors surface (thrown).
  const { spec: compiled } = vegaLite.compile(spec, { logger: vega.logger(vega.Error) });
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** One layer of a layered vega-lite spec. */
export type Layer = NonNullable<Extract<TopLevelSpec, { layer: unknown }>['layer']>[number];
