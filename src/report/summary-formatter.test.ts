// End to end: a real cucumber-js run, in a temp dir, loading the formatters through their .js
// entry files (which register ts-node themselves here), writes summary.html and summary.md with
// the seed and replay of a failing scenario, from the seed attachment contract's JSON alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const CUCUMBER = require.resolve('@cucumber/cucumber');
const CUCUMBER_BIN = join(CUCUMBER, '..', '..', 'bin', 'cucumber.js');

const FEATURE = `@phase-8.6 @partitions
Feature: Partitions
  Scenario: a follower catches up
    Given a summary test step passes

  Scenario: <script>alert(1)</script>
    Given a summary test step passes
    Then a summary test step fails
`;

const STEPS = `const { Before, Given, Then } = require(${JSON.stringify(CUCUMBER)});
Before(function ({ pickle }) {
  const replay = 'TIDAL_SEED=99 npx cucumber-js ' + pickle.uri + ':' + pickle.location.line;
  this.attach(JSON.stringify({ seed: 99, replay }), { mediaType: 'application/vnd.tidal.seed+json' });
});
Given('a summary test step passes', () => undefined);
Then('a summary test step fails', () => { throw new Error('lag 3 events, expected 0'); });
`;

test('summary formatter: a real run writes summary.html and summary.md', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tidal-summary-'));
  try {
    mkdirSync(join(dir, 'features', 'partitions'), { recursive: true });
    writeFileSync(join(dir, 'features', 'partitions', 'p.feature'), FEATURE);
    writeFileSync(join(dir, 'steps.js'), STEPS);
    const entry = (name: string) => pathToFileURL(join(__dirname, name)).href;
    const config = {
      default: {
        paths: ['features/**/*.feature'],
        require: ['steps.js'],
        format: [
          [entry('summary-html-formatter.js'), 'out/summary.html'],
          [entry('summary-md-formatter.js'), 'out/summary.md'],
        ],
      },
    };
    writeFileSync(join(dir, 'cucumber.json'), JSON.stringify(config));
    const run = spawnSync(process.execPath, [CUCUMBER_BIN, '--config', 'cucumber.json'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(run.status, 1, `cucumber should fail one scenario:\n${run.stdout}\n${run.stderr}`);
    const html = readFileSync(join(dir, 'out', 'summary.html'), 'utf8');
    const md = readFileSync(join(dir, 'out', 'summary.md'), 'utf8');
    const replay = 'TIDAL_SEED=99 npx cucumber-js features/partitions/p.feature:6';
    assert.match(
      html,
      /<td class="cap"><a href="cucumber.html\?query=%40partitions">@partitions<\/a><\/td><td><span class="tag failed">failed<\/span><\/td><td class="num">2<\/td><td class="num passed">1<\/td><td>1 failed<\/td>/,
    );
    assert.ok(html.includes(`<code class="replay">${replay}</code>`));
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;') && !html.includes('<script'));
    assert.ok(md.includes(`\`\`\`sh\n${replay}\n\`\`\``));
    assert.ok(md.includes('lag 3 events, expected 0'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
