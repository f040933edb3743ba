/**
 * Per-scenario report attachments, drawn from the ClusterSnapshot a scenario ends with: the
 * region state table (Markdown) and the replication-lag timeline (SVG), plus the scenario's
 * pino log and, apart from everything else, its wall-clock measurements. Each item is ready for
 * `this.attach(body, { mediaType, fileName })` in a hook or step.
 * Every attachment but the wall-clock one is a function of the seed alone: two runs of a seed
 * give byte-identical attachments (src/report/scenario-determinism.test.ts checks it).
 * The chart's body is base64 with media type `base64:image/svg+xml`: Cucumber's HTML report only
 * displays images whose attachment is base64-encoded, and that prefix is how a string says so.
 */
import type { ClusterSnapshot } from '../cluster/report-data';
import { lagChartSvg } from './lag-chart';
import { regionStateMarkdown } from './region-table';

export interface ReportAttachment {
  body: string;
  mediaType: string;
  fileName?: string;
}

/** Media type Cucumber receives for the chart (decoded, the message says image/svg+xml). */
export const CHART_MEDIA_TYPE = 'base64:image/svg+xml';

/** The region state table and the lag chart for one scenario, in that order. */
export async function scenarioAttachments(snapshot: ClusterSnapshot): Promise<ReportAttachment[]> {
  const svg = await lagChartSvg(snapshot);
  return [
    { body: regionStateMarkdown(snapshot), mediaType: 'text/markdown', fileName: 'region-state.md' },
    {
      body: Buffer.from(svg, 'utf8').toString('base64'),
      mediaType: CHART_MEDIA_TYPE,
      fileName: 'replication-lag.svg',
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
