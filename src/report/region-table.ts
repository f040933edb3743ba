/**
 * The region state attachment: each replica's role, liveness, epoch, applied SeqNo and lag at
 * the end of a scenario, and the sampled decay scores per region. Markdown, because Cucumber's
 * HTML report shows text attachments verbatim in a <pre> (it renders neither text/html nor
 * text/markdown), so a padded GFM table reads well there and renders as a table anywhere else.
 */
import type { ClusterSnapshot, RegionStateRow, ScoreSample } from '../cluster/report-data';
import { mdCode, mdTable } from './escape';

const STATE_HEADERS = ['region', 'shard', 'role', 'up', 'epoch', 'applied SeqNo', 'lag (events)', 'lag (ms)'];
const STATE_RIGHT = [false, true, false, false, true, true, true, true];

/** The whole attachment: a heading, the state table and the score table. */
export function regionStateMarkdown(snapshot: ClusterSnapshot): string {
  const sections = [
    `### Region state at t = ${formatMs(snapshot.nowMs)} (virtual), seed ${snapshot.seed}`,
    snapshot.regions.length > 0 ? stateTable(snapshot.regions) : '_No replicas in the snapshot._',
    '### Decay scores sampled per region',
    snapshot.scores.length > 0 ? scoreTable(snapshot.scores, regionOrder(snapshot)) : '_No scores sampled._',
  ];
  return `${sections.join('\n\n')}\n`;
}

function stateTable(rows: RegionStateRow[]): string {
  const sorted = [...rows].sort((a, b) => a.region.localeCompare(b.region) || a.shard - b.shard);
  const cells = sorted.map((r) => [
    mdCode(r.region),
    String(r.shard),
    r.role,
    r.up ? 'up' : 'DOWN',
    String(r.epoch),
    String(r.appliedSeqNo),
    String(r.lagEvents),
    formatMs(r.lagMs),
  ]);
  return mdTable(STATE_HEADERS, cells, STATE_RIGHT);
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
