/**
 * The `ci` profile fails a run that selects no scenario (steps/support/require-a-scenario.js):
 * Cucumber alone exits 0 when paths, lines and tags match nothing. Runs the real command line,
 * `cucumber-js --profile ci …`, with its reports in a temp dir (TIDAL_REPORTS_DIR).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

const ROOT = path.resolve(__dirname, '..');
const CUCUMBER = path.join(ROOT, 'node_modules/@cucumber/cucumber/bin/cucumber.js');

interface Outcome {
  code: number;
  stderr: string;
}

function cucumber(args: string[]): Promise<Outcome> {
  const reports = fs.mkdtempSync(path.join(os.tmpdir(), 'tidal-ci-profile-'));
  const env: NodeJS.ProcessEnv = { ...process.env, TIDAL_REPORTS_DIR: reports, FORCE_COLOR: '0' };
  delete env.NODE_TEST_CONTEXT; // the child is not a test file of this runner
  delete env.TIDAL_LOG;
  delete env.GITHUB_STEP_SUMMARY; // keep the child's summary out of a CI job's page
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      [CUCUMBER, ...args],
      { cwd: ROOT, env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (err, _stdout, stderr) => {
        fs.rmSync(reports, { recursive: true, force: true });
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({ code, stderr });
      },
    ),
  );
}

test('ci profile: a run that selects no scenario exits non-zero and says why', async () => {
  const { code, stderr } = await cucumber(['--profile', 'ci', '--tags', '@no-such-tag']);
  assert.equal(code, 1, stderr);
  assert.match(stderr, /no scenario selected by `cucumber-js --profile ci --tags @no-such-tag`/);
});

test('ci profile: a run that selects scenarios exits 0', async () => {
  // @smoke: one example per capability, so the quickest real selection that always exists.
  const { code, stderr } = await cucumber(['--profile', 'ci', '--tags', '@smoke']);
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stderr, /no scenario selected/);
});
