// Unit tests for the tables drawn as SVG: they read back as tables, cell by cell, and stay text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { figuresAttachments, figuresSvg } from './figures-table';
import { regionStateSvg } from './region-table';
import { MAX_CELL_CHARS, svgTables } from './svg-table';
import { sampleSnapshot } from './testing/sample-snapshot';

/** The tables of an SVG as its ARIA roles say: rows of (header or data) cell texts, per table. */
function readTables(svg: string): { label: string; rows: string[][] }[] {
  const unescape = (s: string): string =>
    s
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&');
  return svg
    .split('<g role="table" ')
    .slice(1)
    .map((table) => ({
      label: unescape(/^aria-label="([^"]*)"/.exec(table)![1]!),
      rows: table
        .split('<g role="row">')
        .slice(1)
        .map((row) =>
          [...row.matchAll(/<g role="(?:columnheader|cell)"><text[^>]*>([^<]*)<\/text><\/g>/g)].map(([, t]) =>
            unescape(t!),
          ),
        ),
    }));
}

/** Every tag opened is closed, in order (the SVG is well-formed XML as far as tags go). */
function assertBalanced(svg: string): void {
  const stack: string[] = [];
  for (const [, close, name, selfClosing] of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    if (selfClosing) continue;
    if (close) assert.equal(stack.pop(), name, `</${name}> closes something else`);
    else stack.push(name!);
  }
  assert.deepEqual(stack, []);
}

test('region state picture: a table with a header and one row per replica, then the scores', () => {
  const svg = regionStateSvg(sampleSnapshot());
  assertBalanced(svg);
  const [state, scores] = readTables(svg);
  assert.equal(state!.label, 'Replicas (a leader has no lag)');
  assert.deepEqual(state!.rows[0], [
    'region',
    'shard',
    'role',
    'up',
    'epoch',
    'applied SeqNo',
    'lag (events)',
    'lag (ms)',
  ]);
  assert.equal(state!.rows.length, 1 + 6);
  assert.deepEqual(state!.rows[1], ['ap-south', '0', 'follower', 'up', '1', '120', '0', '0 ms']);
  assert.deepEqual(state!.rows[2], ['ap-south', '1', 'follower', 'DOWN', '1', '80', '16', '1000 ms']);
  assert.deepEqual(
    state!.rows.at(-1),
    ['us-east', '1', 'leader', 'up', '1', '96', '—', '—'],
    'a leader has no lag',
  );
  assert.deepEqual(scores!.rows[0], ['entity', 'signal', 'ap-south', 'eu-west', 'us-east']);
  assert.deepEqual(scores!.rows[2], ['article-7', 'view', '—', '12.5', '12.5']);
});

test('region state picture: a replica down is drawn in red; the SVG has a title and a description', () => {
  const svg = regionStateSvg(sampleSnapshot());
  assert.match(svg, /fill="#b00020">DOWN</);
  assert.match(
    svg,
    /<title id="t">Region state when the steps ended, t = 3000 ms \(virtual\), seed 42<\/title>/,
  );
  assert.match(svg, /<desc id="d">[^<]+<\/desc>/);
});

test('figures picture: one row per figure in the order measured, then the JSON for tools', () => {
  const figures = { convergenceAfterHealMs: 210, reconShareOfFullStatePct: 0.8812345, label: 'a<b' };
  const [table] = readTables(figuresSvg(figures));
  assert.deepEqual(table!.rows, [
    ['figure', 'value'],
    ['convergenceAfterHealMs', '210'],
    ['reconShareOfFullStatePct', '0.881235'],
    ['label', 'a<b'],
  ]);
  const items = figuresAttachments(figures);
  assert.deepEqual(
    items.map((a) => [a.fileName, a.mediaType]),
    [
      ['figures.svg', 'base64:image/svg+xml'],
      ['figures.json', 'application/json'],
    ],
  );
  assert.deepEqual(JSON.parse(items[1]!.body), figures);
  assert.deepEqual(figuresAttachments({}), []);
});

test('escaping: a <script> cell stays text; a long cell is cut; layout is deterministic', () => {
  const evil = '<script>alert("x&y")</script>';
  const long = 'x'.repeat(200);
  const tables = {
    title: evil,
    description: evil,
    sections: [{ heading: evil, headers: ['a', 'b'], rows: [[evil, long]] }],
  };
  const svg = svgTables(tables);
  assertBalanced(svg);
  assert.ok(!svg.includes('<script'), 'raw <script> in the SVG');
  const [table] = readTables(svg);
  assert.equal(table!.rows[1]![0], evil);
  assert.equal(table!.rows[1]![1]!.length, MAX_CELL_CHARS);
  assert.equal(svgTables(tables), svg);
});
