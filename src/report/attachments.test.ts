// Unit tests for the per-scenario attachments: table content, chart rendering, escaping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CHART_MEDIA_TYPE,
  WALL_CLOCK_FILE_NAME,
  logAttachment,
  scenarioAttachments,
  wallClockAttachment,
} from './attachments';
import { lagChartSpec, MAX_SAMPLES_PER_REPLICA } from './lag-chart';
import { regionStateMarkdown } from './region-table';
import { sampleSnapshot } from './testing/sample-snapshot';
import type { ClusterSnapshot } from '../cluster/report-data';

const EVIL = '<script>alert(1)</script>';

function evilSnapshot(): ClusterSnapshot {
  const snapshot = sampleSnapshot(7);
  snapshot.scores.push({ entity: EVIL, signal: 'cl|ick', scores: { 'us-east': 1 } });
  snapshot.faults.push({
    kind: 'flapping',
    between: [EVIL, 'eu-west'],
    times: 3,
    label: EVIL,
    fromMs: 2600,
    toMs: 2800,
  });
  snapshot.lag.push({ timeMs: 100, replica: EVIL, lagEvents: 2 });
  return snapshot;
}

async function chartSvg(snapshot: ClusterSnapshot): Promise<string> {
  const chart = (await scenarioAttachments(snapshot))[1];
  assert.equal(chart.mediaType, CHART_MEDIA_TYPE);
  return Buffer.from(chart.body, 'base64').toString('utf8');
}

test('attachments: a region state table and a lag chart, in that order, with file names', async () => {
  const items = await scenarioAttachments(sampleSnapshot());
  assert.deepEqual(
    items.map((a) => [a.mediaType, a.fileName]),
    [
      ['text/markdown', 'region-state.md'],
      ['base64:image/svg+xml', 'replication-lag.svg'],
    ],
  );
});

test('region table: one row per replica with role, liveness, epoch, SeqNo and lag', () => {
  const md = regionStateMarkdown(sampleSnapshot());
  assert.match(md, /seed 42/);
  assert.match(md, /\| `ap-south` \|\s+1 \| follower \| DOWN \|\s+1 \|\s+80 \|\s+16 \|\s+1000 ms \|/);
  assert.match(md, /\| `us-east`\s+\|\s+0 \| leader\s+\| up\s+\|/);
  assert.equal(md.split('\n').filter((l) => l.startsWith('| `')).length, 6 + 2);
});

test('region table: decay scores per region, a dash where a region has none', () => {
  const md = regionStateMarkdown(sampleSnapshot());
  assert.match(md, /\| entity\s+\| signal\s+\| `ap-south` \| `eu-west` \| `us-east` \|/);
  assert.match(md, /\| `article-7`\s+\| `view`\s+\|\s+— \|\s+12\.5 \|\s+12\.5 \|/);
});

test('region table: an empty snapshot says so instead of drawing empty tables', () => {
  const md = regionStateMarkdown({ seed: 1, nowMs: 0, regions: [], scores: [], lag: [], faults: [] });
  assert.match(md, /_No replicas in the snapshot\._/);
  assert.match(md, /_No scores sampled\._/);
});

test('escaping: table: <script> stays inside a code span and a pipe never splits a cell', () => {
  const md = regionStateMarkdown(evilSnapshot());
  const row = md.split('\n').find((l) => l.includes('alert(1)'));
  assert.ok(row);
  assert.ok(row.startsWith(`| \`${EVIL}\``), row);
  assert.ok(row.includes('`cl\\|ick`'), row);
});

test('lag chart: an SVG document with a line per follower replica and shaded, labelled faults', async () => {
  const svg = await chartSvg(sampleSnapshot());
  assert.ok(svg.startsWith('<svg'), svg.slice(0, 60));
  assert.ok(svg.endsWith('</svg>'));
  for (const text of [
    'eu-west/0',
    'ap-south/1',
    'us-east ⇹ eu-west partitioned',
    'ap-south/1 crashed (still active)',
    'virtual time (ms)',
    'lag (events)',
  ]) {
    assert.ok(svg.includes(text), `chart lacks "${text}"`);
  }
  for (const colour of ['#e45756', '#eeca3b', '#79706e'])
    assert.ok(svg.includes(`fill="${colour}"`), `no span shaded ${colour}`);
  assert.equal((svg.match(/class="mark-line role-mark/g) ?? []).length, 2, 'one line per replica');
});

test('lag chart: same snapshot, byte-identical SVG', async () => {
  assert.equal(await chartSvg(sampleSnapshot()), await chartSvg(sampleSnapshot()));
});

test('lag chart: open faults end at the snapshot time; no samples is said in the subtitle', () => {
  const spec = JSON.stringify(lagChartSpec({ ...sampleSnapshot(), lag: [] }));
  assert.match(spec, /"toMs":3000/);
  assert.match(spec, /no lag samples recorded/);
});

test('lag chart: a long series is bounded and keeps its peak', () => {
  const lag = Array.from({ length: 5000 }, (_, i) => ({
    timeMs: i,
    replica: 'eu-west/0',
    lagEvents: i === 2345 ? 99 : 1,
  }));
  const spec = lagChartSpec({ ...sampleSnapshot(), lag }) as unknown as {
    layer: Array<{ data: { values: Array<{ lagEvents: number }> } }>;
  };
  const plotted = spec.layer[2].data.values;
  assert.ok(plotted.length <= MAX_SAMPLES_PER_REPLICA, `${plotted.length} samples plotted`);
  assert.equal(Math.max(...plotted.map((s) => s.lagEvents)), 99);
});

test('escaping: chart: <script> in a fault label or replica name stays text', async () => {
  const svg = await chartSvg(evilSnapshot());
  assert.ok(!/<script/i.test(svg), 'raw <script> in SVG');
  assert.ok(svg.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
});

test('log attachment: inline text named as NDJSON; nothing for an empty log', () => {
  assert.deepEqual(logAttachment(''), []);
  assert.deepEqual(logAttachment('{"msg":"x"}\n'), [
    { body: '{"msg":"x"}\n', mediaType: 'text/plain', fileName: 'scenario-log.ndjson' },
  ]);
});

test('wall-clock attachment: JSON named wall-clock.json that says it differs between runs', () => {
  const a = wallClockAttachment({ wallMs: 2048, seedsPerSecond: 97.66 });
  assert.equal(a.fileName, WALL_CLOCK_FILE_NAME);
  assert.equal(a.fileName, 'wall-clock.json');
  assert.equal(a.mediaType, 'application/json');
  const body = JSON.parse(a.body) as Record<string, unknown>;
  assert.match(String(body.note), /differs between two runs of the same seed/);
  assert.equal(body.wallMs, 2048);
  assert.equal(body.seedsPerSecond, 97.66);
});
