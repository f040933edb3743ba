/**
 * The region state attachments: each replica's role, liveness, epoch, applied SeqNo and lag when
 * a scenario's steps end, and the sampled decay scores per region. Twice: as an SVG picture of
 * the tables (Cucumber's HTML report renders only images as pictures; see svg-table.ts) and as
 * Markdown, the text a screen reader, a diff or a copy gets (the report shows it verbatim in a
 * <pre>, so the GFM table is padded to read as plain text too). A leader has no lag: its lag
 * cells say so ("—") rather than show a number.
 */
import type { ClusterSnapshot, RegionStateRow, ScoreSample } from '../cluster/report-data';
import { mdCode, mdTable } from './escape';
import { svgTables, type SvgCell } from './svg-table';

const STATE_HEADERS = ['region', 'shard', 'role', 'up', 'epoch', 'applied SeqNo', 'lag (events)', 'lag (ms)'];
const STATE_RIGHT = [false, true, false, false, true, true, true, true];

/** The tables as a picture: the state table and the score table. */
export function regionStateSvg(snapshot: ClusterSnapshot): string {
  const regions = regionOrder(snapshot);
  return svgTables({
    title: `Region state when the steps ended, t = ${formatMs(snapshot.nowMs)} (virtual), seed ${snapshot.seed}`,
    description:
      "Each replica's role, liveness, epoch, applied SeqNo and lag when the scenario's steps ended, before the final heal; then the decay scores sampled per region.",
    sections: [
      {
        heading: 'Replicas (a leader has no lag)',
        headers: STATE_HEADERS,
        rightAligned: STATE_RIGHT,
        rows: sortedRows(snapshot.regions).map((r): SvgCell[] => [
          r.region,
          String(r.shard),
          r.role,
          { text: r.up ? 'up' : 'DOWN', alert: !r.up },
          String(r.epoch),
          String(r.appliedSeqNo),
          ...lagCells(r),
        ]),
        empty: 'No replicas in the snapshot.',
      },
      {
        heading: 'Decay scores sampled per region',
        headers: ['entity', 'signal', ...regions],
        rightAligned: [false, false, ...regions.map(() => true)],
        rows: snapshot.scores.map((s) => [
          s.entity,
          s.signal,
          ...regions.map((r) => formatScore(s.scores[r])),
        ]),
        empty: 'No scores sampled.',
      },
    ],
  });
}

/** The whole Markdown attachment: a heading, the state table and the score table. */
export function regionStateMarkdown(snapshot: ClusterSnapshot): string {
  const sections = [
    `### Region state when the steps ended, t = ${formatMs(snapshot.nowMs)} (virtual), seed ${snapshot.seed}`,
    snapshot.regions.length > 0 ? stateTable(snapshot.regions) : '_No replicas in the snapshot._',
    '### Decay scores sampled per region',
    snapshot.scores.length > 0 ? scoreTable(snapshot.scores, regionOrder(snapshot)) : '_No scores sampled._',
  ];
  return `${sections.join('\n\n')}\n`;
}

function stateTable(rows: RegionStateRow[]): string {
  const cells = sortedRows(rows).map((r) => [
    mdCode(r.region),
    String(r.shard),
    r.role,
    r.up ? 'up' : 'DOWN',
    String(r.epoch),
    String(r.appliedSeqNo),
    ...lagCells(r),
  ]);
  return mdTable(STATE_HEADERS, cells, STATE_RIGHT);
}

function sortedRows(rows: RegionStateRow[]): RegionStateRow[] {
  return [...rows].sort((a, b) => a.region.localeCompare(b.region) || a.shard - b.shard);
}

/** A follower's lag in events and ms; a leader's cells say it has none. */
function lagCells(r: RegionStateRow): [string, string] {
  return r.role === 'leader' ? ['—', '—'] : [String(r.lagEvents), formatMs(r.lagMs)];
}

function scoreTable(samples: ScoreSample[], regions: string[]): string {
  const headers = ['entity', 'signal', ...regions.map(mdCode)];
  const cells = samples.map((s) => [
    mdCode(s.entity),
    mdCode(s.signal),
    ...regions.map((r) => formatScore(s.scores[r])),
  ]);
  return mdTable(headers, cells, [false, false, ...regions.map(() => true)]);
}

/** Regions in the order the state rows name them, then any only the score samples name. */
function regionOrder(snapshot: ClusterSnapshot): string[] {
  const names = new Set<string>();
  for (const row of [...snapshot.regions].sort((a, b) => a.region.localeCompare(b.region)))
    names.add(row.region);
  for (const sample of snapshot.scores)
    for (const region of Object.keys(sample.scores).sort()) names.add(region);
  return [...names];
}

function formatScore(score: number | undefined): string {
  if (score === undefined) return '—';
  if (!Number.isFinite(score)) return String(score);
  return Number(score.toPrecision(6)).toString();
}

function formatMs(ms: number): string {
  return `${Number.isInteger(ms) ? ms : ms.toFixed(1)} ms`;
}
