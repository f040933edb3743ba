/**
 * The scenario timeline, in the spirit of Jepsen's and Maelstrom's: one lane per region over the
 * whole scenario in virtual time. In its lane, each region shows the writes its replica accepted
 * (the shard's leader, or the client's own region under 'accept-local') and the acknowledgements
 * its clients were given (when the ack policy held: at once under 'leader' acks, when a majority
 * held the write under 'quorum'; none when a cut kept the ack from the client); the faults that
 * touched it shaded (partitions and one-way cuts in both regions' lanes, crashes until their
 * restart, clock skew, network faults); failovers as triangles (up in the new leader's lane, down
 * in the deposed one's); the end of the steps (where the final heal began) and every convergence
 * as rules across all lanes.
 *
 * Up to MAX_SINGLE_WRITES writes each is a tick; above that, writes and acks are counted in time
 * bins (a heat strip: darker is more), so a 2,000-write scenario stays readable and small. The
 * data comes from timeline-data.ts; this file draws it with vega-lite, like the lag chart. Names
 * travel only as data values, and vega's SVG renderer escapes text.
 */
import type { ClusterSnapshot } from '../cluster/report-data';
import type { TopLevelSpec } from 'vega-lite/build/index';
import { FAULT_COLOURS } from './lag-chart';
import { momentLayers, type ChartMarks, type TimeAxis } from './moments';
import { LABEL_ROWS, ROWS, WIDTH_PX, timelineData, type BandDatum, type TimelineData } from './timeline-data';
import { renderSvg, type Layer } from './vega-render';

export {
  MAX_SINGLE_WRITES,
  ROWS,
  TARGET_BINS,
  binWidthMs,
  timelineData,
  type BandDatum,
  type EventDatum,
  type FailoverDatum,
  type TimelineData,
} from './timeline-data';

/** File name of the timeline attachment (the browser test looks for it). */
export const TIMELINE_FILE_NAME = 'timeline.svg';

const LANE_PX = 64;
const ROW_COLOURS = ['#1f4e79', '#2ca02c'];
const FAILOVER_COLOUR = FAULT_COLOURS.failover;

/** The timeline as a standalone SVG document string. */
export function timelineSvg(snapshot: ClusterSnapshot, marks: ChartMarks = {}): Promise<string> {
  return renderSvg(timelineSpec(snapshot, marks));
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
