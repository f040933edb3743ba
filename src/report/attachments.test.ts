// Unit tests for the per-scenario attachments: table content, chart rendering, escaping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CHART_MEDIA_TYPE,
  TIMELINE_FILE_NAME,
  WALL_CLOCK_FILE_NAME,
  logAttachment,
  scenarioAttachments,
  wallClockAttachment,
} from './attachments';
import { lagChartData, lagChartSpec, MAX_SAMPLES_PER_REPLICA } from './lag-chart';
import { regionStateMarkdown } from './region-table';
import { sampleSnapshot, sampleSnapshotAfterCheck, sampleSnapshots } from './testing/sample-snapshot';
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
  snapshot.lag.push({ timeMs: 100, replica: EVIL, region: EVIL, lagEvents: 2, stint: 0 });
  return snapshot;
}

async function chartSvg(snapshot: ClusterSnapshot): Promise<string> {
  const chart = (await scenarioAttachments({ atStepsEnd: snapshot, atEnd: snapshot }))[0]!;
  assert.equal(chart.mediaType, CHART_MEDIA_TYPE);
  return Buffer.from(chart.body, 'base64').toString('utf8');
}

test('attachments: the lag chart, the timeline, the region state picture and its Markdown, in that order', async () => {
  const items = await scenarioAttachments(sampleSnapshots());
  assert.deepEqual(
    items.map((a) => [a.mediaType, a.fileName]),
    [
      ['base64:image/svg+xml', 'replication-lag.svg'],
      ['base64:image/svg+xml', TIMELINE_FILE_NAME],
      ['base64:image/svg+xml', 'region-state.svg'],
      ['text/markdown', 'region-state.md'],
    ],
  );
  assert.equal(TIMELINE_FILE_NAME, 'timeline.svg');
});

test('attachments: the region state is the steps-end snapshot; the charts run to the end of the check', async () => {
  const [chart, , picture, md] = await scenarioAttachments(sampleSnapshots());
  const decoded = (a: { body: string }): string => Buffer.from(a.body, 'base64').toString('utf8');
  assert.match(md!.body, /t = 3000 ms/);
  assert.match(decoded(picture!), /when the steps ended, t = 3000 ms/);
  assert.match(decoded(chart!), /steps end: heal all/);
  assert.match(decoded(chart!), /converged after 300 ms/);
});

test('region table: one row per replica with role, liveness, epoch, SeqNo and lag', () => {
  const md = regionStateMarkdown(sampleSnapshot());
  assert.match(md, /seed 42/);
  assert.match(md, /\| `ap-south` \|\s+1 \| follower \| DOWN \|\s+1 \|\s+80 \|\s+16 \|\s+1000 ms \|/);
  assert.match(md, /\| `us-east`\s+\|\s+0 \| leader\s+\| up\s+\|\s+1 \|\s+120 \|\s+— \|\s+— \|/);
  assert.equal(md.split('\n').filter((l) => l.startsWith('| `')).length, 6 + 2);
});

test('region table: decay scores per region, a dash where a region has none', () => {
  const md = regionStateMarkdown(sampleSnapshot());
  assert.match(md, /\| entity\s+\| signal\s+\| `ap-south` \| `eu-west` \| `us-east` \|/);
  assert.match(md, /\| `article-7`\s+\| `view`\s+\|\s+— \|\s+12\.5 \|\s+12\.5 \|/);
});

test('region table: an empty snapshot says so instead of drawing empty tables', () => {
  const md = regionStateMarkdown({
    seed: 1,
    nowMs: 0,
    regionNames: [],
    regions: [],
    scores: [],
    lag: [],
    faults: [],
    writes: [],
    convergences: [],
  });
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
  assert.equal((svg.match(/class="mark-line role-mark/g) ?? []).length, 2, 'one line per follower replica');
});

test('lag chart: after the check, every follower line ends at 0 at the end of the scenario', () => {
  const snapshot = sampleSnapshotAfterCheck();
  const data = lagChartData(snapshot);
  for (const series of new Set(data.map((p) => p.series))) {
    const last = data.filter((p) => p.series === series).at(-1)!;
    assert.deepEqual([series, last.timeMs, last.lagEvents], [series, snapshot.nowMs, 0]);
  }
  const spec = JSON.stringify(lagChartSpec(snapshot));
  assert.match(spec, /"domain":\[0,3300\]/);
});

test('lag chart: a follower promoted to leader ends its line; its next spell as follower is a new line', () => {
  const lag = [
    { timeMs: 0, replica: 'eu-west/0', region: 'eu-west', lagEvents: 3, stint: 0 },
    { timeMs: 100, replica: 'eu-west/0', region: 'eu-west', lagEvents: 3, stint: 0 },
    { timeMs: 500, replica: 'eu-west/0', region: 'eu-west', lagEvents: 1, stint: 1 },
  ];
  const data = lagChartData({ ...sampleSnapshot(), lag });
  assert.deepEqual(
    data.map((p) => p.series),
    ['eu-west/0 #1', 'eu-west/0 #1', 'eu-west/0 #2'],
  );
  const layers = (lagChartSpec({ ...sampleSnapshot(), lag }) as unknown as { layer: object[] }).layer;
  assert.match(JSON.stringify(layers.at(-1)), /"detail":\{"field":"series"/);
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
    region: 'eu-west',
    lagEvents: i === 2345 ? 99 : i === 4999 ? 0 : 1,
    stint: 0,
  }));
  const plotted = lagChartData({ ...sampleSnapshot(), lag });
  assert.ok(plotted.length <= MAX_SAMPLES_PER_REPLICA, `${plotted.length} samples plotted`);
  assert.equal(Math.max(...plotted.map((s) => s.lagEvents)), 99);
  assert.deepEqual([plotted.at(-1)!.timeMs, plotted.at(-1)!.lagEvents], [4999, 0], 'the last sample is kept');
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
