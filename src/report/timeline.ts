/**
 * The scenario timeline, in the spirit of Jepsen's and Maelstrom's: one lane per region over the
 * whole scenario in virtual time. In its lane, each region shows the writes its replica accepted
 * (the shard's leader, or the client's own region under 'accept-local') and the acknowledgements
 * its clients were given (when the ack policy held: at once under 'leader' acks, when a majority
 * held the write under 'quorum'; none when a cut kept the ack from the client); the faults that touched it shaded (partitions and one-way cuts
 * in both regions' lanes, crashes, clock skew, network faults); failovers as triangles (up in the
 * new leader's lane, down in the deposed one's); the end of the steps (where the final heal
 * began) and every convergence as rules across all lanes.
 *
 * Up to MAX_SINGLE_WRITES writes each is a tick; above that, writes and acks are counted in time
 * bins (a heat strip: darker is more), so a 2,000-write scenario stays readable and small.
 * Rendered with vega-lite like the lag chart; names travel only as data values.
 */
import type { ClusterSnapshot, FaultSpan } from '../cluster/report-data';
import type { TopLevelSpec } from 'vega-lite/build/index';
import { FAULT_COLOURS } from './lag-chart';
import { momentLayers, type ChartMarks, type TimeAxis } from './moments';
import { renderSvg, type Layer } from './vega-render';

/** File name of the timeline attachment (the browser test looks for it). */
export const TIMELINE_FILE_NAME = 'timeline.svg';
/** Up to this many writes, each is drawn; more are counted in bins. */
export const MAX_SINGLE_WRITES = 150;
/** About this many bins over the scenario when writes are counted. */
export const TARGET_BINS = 80;

const WIDTH_PX = 640;
const LANE_PX = 64;
/** The rows of a lane: two for fault labels, then writes the region accepted, acks its clients got. */
export const ROWS = ['writes accepted', 'acks given'] as const;
const LABEL_ROWS = ['label 1', 'label 2'] as const;
const ROW_COLOURS = ['#1f4e79', '#2ca02c'];
const FAILOVER_COLOUR = FAULT_COLOURS.failover;

/** A fault shaded in one lane. */
export interface BandDatum {
  lane: string;
  kind: FaultSpan['kind'];
  label: string;
  fromMs: number;
  toMs: number;
  /** The lane row its label prints on; null: printed already in this lane (each label once). */
  labelRow: (typeof LABEL_ROWS)[number] | null;
}

/** A write or an ack (ticks), or a bin of them (a count over [atMs, toMs)). */
export interface EventDatum {
  lane: string;
  row: (typeof ROWS)[number];
  atMs: number;
  toMs: number;
  count: number;
}

/** A failover, in the lane of the region it made leader ('up') or deposed ('down'). */
export interface FailoverDatum {
  lane: string;
  atMs: number;
  shape: 'triangle-up' | 'triangle-down';
  label: string;
}

/** Everything the timeline draws, as plain data (exported for tests). */
export interface TimelineData {
  lanes: string[];
  endMs: number;
  /** 0 when every write is drawn; else the bin width in ms. */
  binMs: number;
  bands: BandDatum[];
  events: EventDatum[];
  failovers: FailoverDatum[];
}

/** The timeline as a standalone SVG document string. */
export function timelineSvg(snapshot: ClusterSnapshot, marks: ChartMarks = {}): Promise<string> {
  return renderSvg(timelineSpec(snapshot, marks));
}

/** What the timeline draws, from the snapshot taken after the end-of-scenario check. */
export function timelineData(snapshot: ClusterSnapshot, marks: ChartMarks = {}): TimelineData {
  const lanes = lanesOf(snapshot);
  const endMs = Math.max(
    1,
    snapshot.nowMs,
    marks.stepsEndMs ?? 0,
    ...snapshot.faults.map((f) => f.toMs ?? f.fromMs),
    ...snapshot.writes.map((w) => w.committedAtMs ?? w.atMs),
  );
  const minWidthMs = (endMs * 3) / WIDTH_PX; // a crash restarted at once is still a 3 px sliver
  const bands: BandDatum[] = [];
  const failovers: FailoverDatum[] = [];
  const labelsPerLane = new Map<string, Set<string>>();
  const ordered = [...snapshot.faults].sort((a, b) => a.fromMs - b.fromMs || a.label.localeCompare(b.label));
  for (const f of ordered) {
    if (f.kind === 'failover') {
      const label = `failover: ${f.label}`;
      failovers.push({ lane: f.to, atMs: f.fromMs, shape: 'triangle-up', label });
      failovers.push({ lane: f.from, atMs: f.fromMs, shape: 'triangle-down', label: '' });
      continue;
    }
    const toMs = Math.max(f.toMs ?? snapshot.nowMs, f.fromMs + minWidthMs);
    for (const lane of lanesOfFault(f, lanes)) {
      const seen = labelsPerLane.get(lane) ?? new Set<string>();
      const labelRow = seen.has(f.label) ? null : LABEL_ROWS[seen.size % LABEL_ROWS.length]!;
      seen.add(f.label);
      labelsPerLane.set(lane, seen);
      bands.push({ lane, kind: f.kind, label: f.label, fromMs: f.fromMs, toMs, labelRow });
    }
  }
  const binMs = snapshot.writes.length > MAX_SINGLE_WRITES ? binWidthMs(endMs) : 0;
  return { lanes, endMs, binMs, bands, events: eventData(snapshot, binMs), failovers };
}

/** The vega-lite spec, exported for tests. */
export function timelineSpec(snapshot: ClusterSnapshot, marks: ChartMarks = {}): TopLevelSpec {
  const data = timelineData(snapshot, marks);
  const x: TimeAxis = { scale: { domain: [0, data.endMs], nice: false, zero: true } };
  // Every layer states the same lane encoding (a layer without an axis would drop the shared one).
  const y: LaneEncoding = {
    field: 'lane',
    type: 'nominal',
    title: 'region',
    scale: { domain: data.lanes, paddingInner: 0.2, paddingOuter: 0.1 },
  };
  const counted = data.binMs > 0;
  const writes = snapshot.writes.length;
  const layers: Layer[] = [
    {
      data: { values: data.bands },
      mark: { type: 'rect', opacity: 0.3 },
      encoding: {
        x: { field: 'fromMs', type: 'quantitative', ...x, title: 'virtual time (ms)' },
        x2: { field: 'toMs' },
        y,
        color: { field: 'kind', type: 'nominal', title: 'fault', scale: faultColours(data.bands) },
      },
    },
    {
      data: { values: data.bands.filter((b) => b.labelRow !== null) },
      mark: {
        type: 'text',
        align: 'left',
        baseline: 'middle',
        dx: 3,
        fontSize: 9,
        color: '#333',
        limit: 300,
      },
      encoding: {
        x: { field: 'fromMs', type: 'quantitative', ...x },
        y,
        yOffset: subRow('labelRow'),
        text: { field: 'label', type: 'nominal' },
      },
    },
    counted
      ? {
          data: { values: data.events },
          mark: { type: 'rect' },
          encoding: {
            x: { field: 'atMs', type: 'quantitative', ...x },
            x2: { field: 'toMs' },
            y,
            yOffset: subRow('row'),
            color: rowColour(),
            opacity: {
              field: 'count',
              type: 'quantitative',
              title: `per ${data.binMs} ms`,
              scale: { type: 'log', range: [0.3, 1] }, // one busy bin must not fade the rest
            },
          },
        }
      : {
          data: { values: data.events },
          mark: { type: 'tick', thickness: 1.5, bandSize: 9 },
          encoding: {
            x: { field: 'atMs', type: 'quantitative', ...x },
            y,
            yOffset: subRow('row'),
            color: rowColour(),
          },
        },
    ...momentLayers(snapshot, marks, x, (row) => 2 + row * 10, 'top'),
    ...failoverLayers(data, x, y),
  ];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Scenario timeline: writes, acks, faults, failovers and convergence per region',
      subtitle:
        `seed ${snapshot.seed}; ${writes} write${writes === 1 ? '' : 's'}` +
        (counted ? `, counted in ${data.binMs} ms bins (darker: more)` : ''),
    },
    description:
      'One lane per region over virtual time: the writes its replica accepted, the acks its clients got, the faults that touched it, failovers, the end of the steps and each convergence.',
    config: { aria: false, axisY: { labelFontSize: 11, labelFontWeight: 'bold' } },
    width: WIDTH_PX,
    height: Math.max(1, data.lanes.length) * LANE_PX,
    background: 'white',
    resolve: { scale: { color: 'independent', opacity: 'independent' } },
    layer: layers,
  };
}

interface LaneEncoding {
  field: 'lane';
  type: 'nominal';
  title: string;
  scale: { domain: string[]; paddingInner: number; paddingOuter: number };
}

/** Where in its lane a mark sits: one of the label rows, or the writes' or the acks' row. */
function subRow(field: 'row' | 'labelRow'): { field: string; type: 'nominal'; scale: { domain: string[] } } {
  return { field, type: 'nominal', scale: { domain: [...LABEL_ROWS, ...ROWS] } };
}

/** Triangles for failovers and their labels; no layer (and no legend) in a run without one. */
function failoverLayers(data: TimelineData, x: TimeAxis, y: LaneEncoding): Layer[] {
  if (data.failovers.length === 0) return [];
  return [
    {
      data: { values: data.failovers },
      mark: { type: 'point', filled: true, size: 90, color: FAILOVER_COLOUR, strokeWidth: 0, opacity: 1 },
      encoding: {
        x: { field: 'atMs', type: 'quantitative', ...x },
        y,
        shape: {
          field: 'shape',
          type: 'nominal',
          title: 'failover',
          scale: { domain: ['triangle-up', 'triangle-down'], range: ['triangle-up', 'triangle-down'] },
          legend: { labelExpr: "datum.label === 'triangle-up' ? 'new leader' : 'deposed'" },
        },
      },
    },
    {
      data: { values: data.failovers.filter((f) => f.label !== '') },
      mark: { type: 'text', align: 'left', baseline: 'middle', dx: 7, fontSize: 9, color: '#1f3f66' },
      encoding: {
        x: { field: 'atMs', type: 'quantitative', ...x },
        y,
        text: { field: 'label', type: 'nominal' },
      },
    },
  ];
}

/** The lanes: the snapshot's regions in the cluster's order, then any other region it names. */
function lanesOf(snapshot: ClusterSnapshot): string[] {
  const lanes = new Set(snapshot.regionNames);
  for (const r of snapshot.regions) lanes.add(r.region);
  for (const w of snapshot.writes) lanes.add(w.region).add(w.via);
  return [...lanes];
}

/** The lanes a fault touches: both ends of a cut link, the crashed or skewed region, or every lane. */
function lanesOfFault(f: Exclude<FaultSpan, { kind: 'failover' }>, lanes: string[]): string[] {
  switch (f.kind) {
    case 'partition':
    case 'flapping':
      return [...f.between];
    case 'one-way-partition':
      return [f.from, f.to];
    case 'network-faults':
      return f.link ? [f.link.from, f.link.to] : lanes;
    case 'clock-skew':
    case 'crash':
      return [f.region];
  }
}

/**
 * Writes in the accepting region's lane, acks in the client's region's lane (where the client
 * wrote from): one datum each, or counts per (lane, row, bin) when `binMs` > 0.
 */
function eventData(snapshot: ClusterSnapshot, binMs: number): EventDatum[] {
  const single: EventDatum[] = [];
  for (const w of snapshot.writes) {
    single.push({ lane: w.region, row: ROWS[0], atMs: w.atMs, toMs: w.atMs, count: 1 });
    if (w.committedAtMs !== null && w.ackReachedClient)
      single.push({ lane: w.via, row: ROWS[1], atMs: w.committedAtMs, toMs: w.committedAtMs, count: 1 });
  }
  if (binMs === 0) return single;
  const bins = new Map<string, EventDatum>();
  for (const e of single) {
    const atMs = Math.floor(e.atMs / binMs) * binMs;
    const key = `${e.lane}\u0000${e.row}\u0000${atMs}`;
    const bin = bins.get(key);
    if (bin) bin.count += 1;
    else bins.set(key, { lane: e.lane, row: e.row, atMs, toMs: atMs + binMs, count: 1 });
  }
  return [...bins.values()].sort(
    (a, b) => a.lane.localeCompare(b.lane) || a.row.localeCompare(b.row) || a.atMs - b.atMs,
  );
}

/** A round bin width (1, 2 or 5 × 10ⁿ ms) giving about TARGET_BINS bins over the scenario. */
export function binWidthMs(endMs: number): number {
  const raw = Math.max(1, endMs / TARGET_BINS);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10;
  return step * magnitude;
}

function rowColour(): {
  field: string;
  type: 'nominal';
  title: string;
  scale: { domain: string[]; range: string[] };
} {
  return {
    field: 'row',
    type: 'nominal',
    title: 'in a lane',
    scale: { domain: [...ROWS], range: ROW_COLOURS },
  };
}

function faultColours(bands: BandDatum[]): { domain: string[]; range: string[] } {
  const kinds = [...new Set(bands.map((b) => b.kind))].sort();
  return { domain: kinds, range: kinds.map((kind) => FAULT_COLOURS[kind] ?? '#bab0ac') };
}
