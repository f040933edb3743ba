/**
 * Per-scenario report attachments, drawn from the ClusterSnapshots a scenario ends with: the
 * replication-lag chart and the scenario timeline (SVG, from the snapshot taken after the
 * end-of-scenario heal and convergence, so the catch-up is drawn), the region state as a table
 * picture and as Markdown (from the snapshot taken when the steps ended, before the final heal),
 * plus the scenario's pino log and, apart from everything else, its wall-clock measurements.
 * Each item is ready for `this.attach(body, { mediaType, fileName })` in a hook or step.
 * Every attachment but the wall-clock one is a function of the seed alone: two runs of a seed
 * give byte-identical attachments (src/report/scenario-determinism.test.ts checks it).
 * Pictures are base64 with media type `base64:image/svg+xml` (report-attachment.ts): Cucumber's
 * HTML report displays only images as pictures, and only base64-encoded ones.
 */
import type { ClusterSnapshot } from '../cluster/report-data';
import { lagChartSvg } from './lag-chart';
import { regionStateMarkdown, regionStateSvg } from './region-table';
import { svgAttachment, SVG_MEDIA_TYPE, type ReportAttachment } from './report-attachment';
import { TIMELINE_FILE_NAME, timelineSvg } from './timeline';

export type { ReportAttachment } from './report-attachment';

/** Media type Cucumber receives for the chart (decoded, the message says image/svg+xml). */
export const CHART_MEDIA_TYPE = SVG_MEDIA_TYPE;

/** File names of the per-scenario pictures and tables, in the order they are attached. */
export const LAG_CHART_FILE_NAME = 'replication-lag.svg';
export const REGION_STATE_SVG_FILE_NAME = 'region-state.svg';
export const REGION_STATE_MD_FILE_NAME = 'region-state.md';
export { TIMELINE_FILE_NAME };

/** The two moments a scenario's cluster attachments are drawn from. */
export interface ScenarioSnapshots {
  /** When the steps ended, before the end-of-scenario heal: the region state tables. */
  atStepsEnd: ClusterSnapshot;
  /** After the end-of-scenario heal and convergence: the lag chart and the timeline. */
  atEnd: ClusterSnapshot;
}

/**
 * The lag chart, the timeline, the region state picture and its Markdown, in that order (the
 * browser test takes the first picture of a scenario for the lag chart).
 */
export async function scenarioAttachments(snapshots: ScenarioSnapshots): Promise<ReportAttachment[]> {
  const marks = { stepsEndMs: snapshots.atStepsEnd.nowMs };
  const [chart, timeline] = await Promise.all([
    lagChartSvg(snapshots.atEnd, marks),
    timelineSvg(snapshots.atEnd, marks),
  ]);
  return [
    svgAttachment(chart, LAG_CHART_FILE_NAME),
    svgAttachment(timeline, TIMELINE_FILE_NAME),
    svgAttachment(regionStateSvg(snapshots.atStepsEnd), REGION_STATE_SVG_FILE_NAME),
    {
      body: regionStateMarkdown(snapshots.atStepsEnd),
      mediaType: 'text/markdown',
      fileName: REGION_STATE_MD_FILE_NAME,
    },
  ];
}

/**
 * The scenario's NDJSON log (from createScenarioLogger), or nothing when it is empty. text/plain so
 * Cucumber's report shows it inline; the file name says it is NDJSON.
 */
export function logAttachment(ndjson: string): ReportAttachment[] {
  if (ndjson.trim() === '') return [];
  return [{ body: ndjson, mediaType: 'text/plain', fileName: 'scenario-log.ndjson' }];
}

/** File name of the one attachment whose body differs between two runs of the same seed. */
export const WALL_CLOCK_FILE_NAME = 'wall-clock.json';

/**
 * Wall-clock measurements of a scenario (elapsed ms, rates per real second), kept out of the
 * figures and the log so that those stay byte-identical between runs of a seed.
 */
export function wallClockAttachment(measured: Record<string, number>): ReportAttachment {
  const body = {
    note: 'Wall-clock measurements: the one attachment that differs between two runs of the same seed.',
    ...measured,
  };
  return {
    body: JSON.stringify(body, null, 2),
    mediaType: 'application/json',
    fileName: WALL_CLOCK_FILE_NAME,
  };
}
