/**
 * The replication-lag timeline: virtual time on x, lag in events per follower replica on y
 * (one step line each), faults shaded as labelled spans. A vega-lite spec compiled and rendered
 * to an SVG string by vega's headless View (no canvas, no DOM, no browser). Untrusted names
 * (replicas, fault labels) travel only as data values, never in field names or expressions, and
 * vega's SVG renderer entity-escapes text, so a name like `<script>` stays text.
 */
import type { ClusterSnapshot, FaultSpan, LagSample } from '../cluster/report-data';
import type { TopLevelSpec } from 'vega-lite/build/index';
import { importEsm } from './esm';

type Vega = typeof import('vega');
type VegaLite = typeof import('vega-lite/build/index');

const WIDTH_PX = 640;
const FAULT_COLOURS: Record<FaultSpan['kind'], string> = {
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
export async function lagChartSvg(snapshot: ClusterSnapshot): Promise<string> {
  const [vega, vegaLite] = await Promise.all([importEsm<Vega>('vega'), importEsm<VegaLite>('vega-lite')]);
  const { spec } = vegaLite.compile(lagChartSpec(snapshot), { logger: silentLogger(vega) });
  const view = new vega.View(vega.parse(spec), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The vega-lite spec, exported for tests and for anyone who wants the chart in another form. */
export function lagChartSpec(snapshot: ClusterSnapshot): TopLevelSpec {
  const lag = boundedLag(snapshot.lag);
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
    description: 'Replication lag in events per follower replica over virtual time, with faults shaded.',
    config: { aria: false }, // per-mark ARIA labels would add ~150 bytes per point to every report
    width: WIDTH_PX,
    height: HEIGHT_PX,
    background: 'white',
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
      {
        data: { values: lag },
        mark: { type: 'line', interpolate: 'step-after', point: dotted, strokeWidth: 2 },
        encoding: {
          x: { field: 'timeMs', type: 'quantitative', ...x, title: 'virtual time (ms)' },
          y: { field: 'lagEvents', type: 'quantitative', title: 'lag (events)', scale: { zero: true } },
          color: {
            field: 'replica',
            type: 'nominal',
            title: 'follower replica',
            scale: { scheme: 'tableau10' },
          },
        },
      },
    ],
  };
}

/** Samples ordered by replica and time; a series over the bound keeps each time bucket's peak. */
function boundedLag(samples: readonly LagSample[]): LagSample[] {
  const byReplica = new Map<string, LagSample[]>();
  for (const sample of [...samples].sort(
    (a, b) => a.replica.localeCompare(b.replica) || a.timeMs - b.timeMs,
  )) {
    const series = byReplica.get(sample.replica) ?? [];
    series.push(sample);
    byReplica.set(sample.replica, series);
  }
  return [...byReplica.values()].flatMap((series) =>
    series.length <= MAX_SAMPLES_PER_REPLICA ? series : peaks(series),
  );
}

function peaks(series: LagSample[]): LagSample[] {
  const bucketSize = Math.ceil(series.length / MAX_SAMPLES_PER_REPLICA);
  const kept: LagSample[] = [];
  for (let i = 0; i < series.length; i += bucketSize) {
    const bucket = series.slice(i, i + bucketSize);
    kept.push(bucket.reduce((peak, s) => (s.lagEvents > peak.lagEvents ? s : peak), bucket[0]));
  }
  return kept;
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

/** vega-lite warns on stderr by default; the chart is deliberate, so only errors surface (thrown). */
function silentLogger(vega: Vega): ReturnType<Vega['logger']> {
  return vega.logger(vega.Error);
}
