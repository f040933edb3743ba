/**
 * The instants both charts mark with a rule across the plot: where the scenario's steps ended
 * (the end-of-scenario check healed every fault there) and each convergence. Labels of instants
 * closer than a few pixels are joined into one, so "steps end" and a convergence 0 ms later do not
 * overprint; a label near the left edge reads rightwards from its rule, the others leftwards.
 */
import type { ClusterSnapshot } from '../cluster/report-data';
import type { Layer } from './vega-render';

/** Where the scenario's steps ended and the end-of-scenario check healed every fault. */
export interface ChartMarks {
  /** Virtual ms the steps ended at (the final heal began); undefined: not marked. */
  stepsEndMs?: number;
}

export type MomentKind = 'steps end' | 'converged';
const KIND_ORDER: MomentKind[] = ['steps end', 'converged'];

/** One rule, and what its label says. */
export interface Moment {
  atMs: number;
  kind: MomentKind;
  text: string;
}

/** One label, for a group of rules close together. */
export interface MomentLabel {
  atMs: number;
  label: string;
  /** 0, 1 or 2: labels of groups close to each other sit on different rows. */
  row: number;
  anchor: 'left' | 'right';
}

/** Instants closer than this fraction of the time axis share a label. */
const JOIN_FRACTION = 0.03;
const ROWS = 3;

/** The rules, in time order. */
export function moments(snapshot: ClusterSnapshot, marks: ChartMarks): Moment[] {
  const out: Moment[] = [];
  if (marks.stepsEndMs !== undefined)
    out.push({ atMs: marks.stepsEndMs, kind: 'steps end', text: 'steps end: heal all' });
  for (const c of snapshot.convergences)
    out.push({ atMs: c.atMs, kind: 'converged', text: `converged after ${c.tookMs} ms` });
  // At one instant the steps end first: the final heal comes before the convergence it leads to.
  return out.sort((a, b) => a.atMs - b.atMs || KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
}

/** The labels of the rules, over a time axis from 0 to `endMs`. */
export function momentLabels(snapshot: ClusterSnapshot, marks: ChartMarks, endMs: number): MomentLabel[] {
  const groups: { atMs: number; texts: string[] }[] = [];
  for (const { atMs, text } of moments(snapshot, marks)) {
    const last = groups[groups.length - 1];
    if (last && atMs - last.atMs <= endMs * JOIN_FRACTION) {
      if (!last.texts.includes(text)) last.texts.push(text);
    } else groups.push({ atMs, texts: [text] });
  }
  return groups.map((g, i) => ({
    atMs: g.atMs,
    label: g.texts.join(', '),
    row: i % ROWS,
    anchor: g.atMs < endMs * 0.3 ? 'left' : 'right',
  }));
}

/** The x encoding both charts share: virtual ms from 0 to the end of the scenario. */
export interface TimeAxis {
  scale: { domain: number[]; nice: boolean; zero: boolean };
}

/**
 * The rules (dashed: grey where the steps ended, green at each convergence) and their labels,
 * as layers; `labelY` places a label row in pixels from the top of the plot.
 */
export function momentLayers(
  snapshot: ClusterSnapshot,
  marks: ChartMarks,
  x: TimeAxis,
  labelY: (row: number) => number,
  baseline: 'top' | 'bottom',
): Layer[] {
  const endMs = x.scale.domain[1] ?? 1;
  const labels = momentLabels(snapshot, marks, endMs).map((l) => ({ ...l, labelY: labelY(l.row) }));
  const text = (anchor: 'left' | 'right'): Layer => ({
    data: { values: labels.filter((l) => l.anchor === anchor) },
    mark: {
      type: 'text',
      align: anchor,
      baseline,
      dx: anchor === 'left' ? 3 : -3,
      fontSize: 9,
      color: '#1b6e1b',
    },
    encoding: {
      x: { field: 'atMs', type: 'quantitative', ...x },
      y: { field: 'labelY', type: 'quantitative', scale: null },
      text: { field: 'label', type: 'nominal' },
    },
  });
  return [
    {
      data: { values: moments(snapshot, marks) },
      mark: { type: 'rule', strokeDash: [4, 3], strokeWidth: 1.5 },
      encoding: {
        x: { field: 'atMs', type: 'quantitative', ...x },
        color: {
          field: 'kind',
          type: 'nominal',
          title: 'moment',
          scale: { domain: ['steps end', 'converged'], range: ['#555555', '#1b9e1b'] },
        },
      },
    },
    text('left'),
    text('right'),
  ];
}
