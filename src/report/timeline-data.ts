/**
 * What the scenario timeline draws, as plain data computed from a ClusterSnapshot: the lanes (one
 * per region), the faults shaded in the lanes they touch, the writes and acks (each, or counted
 * in round time bins past MAX_SINGLE_WRITES) and the failovers. timeline.ts draws it.
 */
import type { ClusterSnapshot, FaultSpan } from '../cluster/report-data';
import type { ChartMarks } from './moments';

/** Up to this many writes, each is drawn; more are counted in bins. */
export const MAX_SINGLE_WRITES = 150;
/** About this many bins over the scenario when writes are counted. */
export const TARGET_BINS = 80;
/** The plot's width, which a fault lasting an instant still gets 3 px of. */
export const WIDTH_PX = 640;
/** The rows of a lane for marks: writes the region accepted, acks its clients got. */
export const ROWS = ['writes accepted', 'acks given'] as const;
/** The rows of a lane above those, for fault labels (two, so labels starting together do not overprint). */
export const LABEL_ROWS = ['label 1', 'label 2'] as const;

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
