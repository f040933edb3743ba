/**
 * The replication-lag timeline: virtual time on x, from 0 to the snapshot's instant (after the
 * end-of-scenario heal and convergence), lag in events per follower replica on y (one step line
 * per follower stint; a leader has no lag and no line), faults shaded as labelled spans, the
 * final heal and every convergence marked. A vega-lite spec rendered to an SVG string
 * (vega-render.ts). Untrusted names (replicas, fault labels) travel only as data values, never in
 * field names or expressions, and vega's SVG renderer entity-escapes text, so a name like
 * `<script>` stays text.
 */
import type { ClusterSnapshot, FaultSpan, LagSample } from '../cluster/report-data';
import type { TopLevelSpec } from 'vega-lite/build/index';
import { momentLayers, type ChartMarks } from './moments';
import { renderSvg } from './vega-render';

export type { ChartMarks } from './moments';

const WIDTH_PX = 640;
/** A fixed colour per fault kind, the same in the lag chart and the timeline. */
export const FAULT_COLOURS: Record<FaultSpan['kind'], string> = {
  partition: '#e45756',
  'one-way-partition': '#f58518',
  'network-faults': '#b279a2',
  'clock-skew': '#eeca3b',
  crash: '#79706e',
  failover: '#4c78a8',
  flapping: '#9d755d',
};
const HEIGHT_PX = 240;
const LABEL_ROW_PX = 12;
const LABEL_ROWS = 4;
/** Bound on plotted samples per replica: longer series keep the peak lag of each time bucket. */
export const MAX_SAMPLES_PER_REPLICA = 300;
/** Up to this many samples per replica, each sample also gets a dot. */
const MAX_DOTTED_SAMPLES = 60;

interface FaultDatum {
  kind: FaultSpan['kind'];
  label: string;
  fromMs: number;
  toMs: number;
  labelY: number;
}

/** The chart as a standalone SVG document string. */
export function lagChartSvg(snapshot: ClusterSnapshot, marks: ChartMarks = {}): Promise<string> {
  return renderSvg(lagChartSpec(snapshot, marks));
}

/** One plotted point: a sample with the series (replica and stint) its line belongs to. */
export type LagPoint = LagSample & { series: string };

/** The points the chart plots, per follower series in time order (exported for tests). */
export function lagChartData(snapshot: ClusterSnapshot): LagPoint[] {
  return boundedLag(snapshot.lag).map((s) => ({ ...s, series: `${s.replica} #${s.stint + 1}` }));
}

/** The vega-lite spec, exported for tests and for anyone who wants the chart in another form. */
export function lagChartSpec(snapshot: ClusterSnapshot, marks: ChartMarks = {}): TopLevelSpec {
  const lag = lagChartData(snapshot);
  const faults = faultData(snapshot);
  const dotted = maxPerReplica(lag) <= MAX_DOTTED_SAMPLES;
  const endMs = Math.max(snapshot.nowMs, ...lag.map((s) => s.timeMs), ...faults.map((f) => f.toMs));
  const x = { scale: { domain: [0, Math.max(endMs, 1)], nice: false, zero: true } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Replication lag per follower replica',
      subtitle: lag.length > 0 ? `seed ${snapshot.seed}` : `seed ${snapshot.seed}: no lag samples recorded`,
    },
    description:
      'Replication lag in events per follower replica over the whole scenario in virtual time, with faults shaded, the final heal and each convergence marked.',
    config: { aria: false }, // per-mark ARIA labels would add ~150 bytes per point to every report
    width: WIDTH_PX,
    height: HEIGHT_PX,
    background: 'white',
    resolve: { scale: { color: 'independent' } },
    layer: [
      {
        data: { values: faults },
        mark: { type: 'rect', opacity: 0.18 },
        encoding: {
          x: { field: 'fromMs', type: 'quantitative', ...x, title: 'virtual time (ms)' },
          x2: { field: 'toMs' },
          fill: { field: 'kind', type: 'nominal', title: 'fault', scale: faultColours(faults) },
        },
      },
      {
        data: { values: faults },
        mark: {
          type: 'text',
          align: 'left',
          baseline: 'top',
          dx: 3,
          fontSize: 10,
          color: '#333',
          limit: 360,
        },
        encoding: {
          x: { field: 'fromMs', type: 'quantitative', ...x },
          y: { field: 'labelY', type: 'quantitative', scale: null },
          text: { field: 'label', type: 'nominal' },
        },
      },
      ...momentLayers(snapshot, marks, x, (row) => HEIGHT_PX - 2 - row * LABEL_ROW_PX, 'bottom'),
      {
        data: { values: lag },
        mark: { type: 'line', interpolate: 'step-after', point: dotted, strokeWidth: 2 },
        encoding: {
          x: { field: 'timeMs', type: 'quantitative', ...x, title: 'virtual time (ms)' },
          y: {
            field: 'lagEvents',
            type: 'quantitative',
            title: 'lag (events)',
            // All at 0 (no lag all along): 0 at the bottom, not a lone "0.000000" in the middle.
            scale: lag.some((s) => s.lagEvents > 0) ? { zero: true } : { domain: [0, 1] },
            axis: { format: 'd', tickMinStep: 1 },
          },
          color: {
            field: 'replica',
            type: 'nominal',
            title: 'follower replica',
            scale: { scheme: 'tableau10' },
          },
          detail: { field: 'series', type: 'nominal' },
        },
      },
    ],
  };
}

/**
 * Samples ordered by replica, stint and time; a series over the bound keeps each time bucket's
 * peak, and always its last sample (where the line ends: at 0 once the follower caught up).
 */
function boundedLag(samples: readonly LagSample[]): LagSample[] {
  const bySeries = new Map<string, LagSample[]>();
  for (const sample of [...samples].sort(
    (a, b) => a.replica.localeCompare(b.replica) || a.stint - b.stint || a.timeMs - b.timeMs,
  )) {
    const key = `${sample.replica}\u0000${sample.stint}`;
    const series = bySeries.get(key) ?? [];
    series.push(sample);
    bySeries.set(key, series);
  }
  return [...bySeries.values()].flatMap((series) =>
    series.length <= MAX_SAMPLES_PER_REPLICA ? series : peaks(series),
  );
}

function peaks(series: LagSample[]): LagSample[] {
  const last = series[series.length - 1]!;
  const body = series.slice(0, -1);
  const bucketSize = Math.ceil(body.length / (MAX_SAMPLES_PER_REPLICA - 1));
  const kept: LagSample[] = [];
  for (let i = 0; i < body.length; i += bucketSize) {
    const bucket = body.slice(i, i + bucketSize);
    kept.push(bucket.reduce((peak, s) => (s.lagEvents > peak.lagEvents ? s : peak), bucket[0]!));
  }
  return [...kept, last];
}

function maxPerReplica(samples: readonly LagSample[]): number {
  const counts = new Map<string, number>();
  for (const s of samples) counts.set(s.replica, (counts.get(s.replica) ?? 0) + 1);
  return Math.max(0, ...counts.values());
}

/** Open spans end at the snapshot's time; labels are staggered over a few rows so they don't overlap. */
function faultData(snapshot: ClusterSnapshot): FaultDatum[] {
  return [...snapshot.faults]
    .sort((a, b) => a.fromMs - b.fromMs || a.label.localeCompare(b.label))
    .map((fault, index) => ({
      kind: fault.kind,
      label: fault.toMs === null ? `${fault.label} (still active)` : fault.label,
      fromMs: fault.fromMs,
      toMs: Math.max(fault.toMs ?? snapshot.nowMs, fault.fromMs),
      labelY: 2 + (index % LABEL_ROWS) * LABEL_ROW_PX,
    }));
}

/** A fixed colour per fault kind, so a partition looks the same in every scenario's chart. */
function faultColours(faults: FaultDatum[]): { domain: string[]; range: string[] } {
  const kinds = [...new Set(faults.map((f) => f.kind))].sort();
  return { domain: kinds, range: kinds.map((kind) => FAULT_COLOURS[kind] ?? '#bab0ac') };
}
