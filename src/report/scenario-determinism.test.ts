/**
 * The suite's promise that a seed replays byte for byte, checked where readers see it: two
 * processes (as two runs of a replay command are; side by side, one per core) run the same
 * scenarios on the same seeds, and every attachment of every scenario (seed and its log line,
 * lag chart, timeline, region table picture and Markdown, figures picture and JSON, log, shrunk schedule) must come back byte-identical, except the wall-clock
 * measurements, which must only be there in both runs. The selection is cheap: the randomized
 * feature's 200-seed block and one bug-switch row, and an ordinary feature whose replicas crash
 * and recover from WAL files in a temp dir. No count of scenarios or attachments is assumed
 * beyond "at least one", so the simulator may change what a seed runs.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Envelope } from '@cucumber/messages';
import { WALL_CLOCK_FILE_NAME } from './attachments';
import type { Selection } from './record-run';
import { compareRuns, scenariosOfRun, type ScenarioRecord } from './run-attachments';

const ROOT = path.resolve(__dirname, '../..');

const SELECTIONS: Selection[] = [
  {
    paths: ['features/simulation/randomized.feature'],
    // Two blocks of seeds (the 200-seed block costs too much to run twice in npm test).
    names: [': follower-skips-event$', ': quorum-miscounts$'],
  },
  { paths: ['features/recovery/crash-restart.feature'] },
];

/** Bounds on one recorded run: its time, and what it may print (pino-pretty is switched off). */
const RUN_TIMEOUT_MS = 120_000;
const RUN_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/** One run of every selection in a fresh process, as `npx cucumber-js` would make it. */
function recordInChild(outFile: string): Promise<Envelope[][]> {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT; // the child is not a test file of this runner
  delete env.TIDAL_LOG; // readable logs on stderr: not an attachment, and unbounded
  const args = ['-r', 'ts-node/register', 'src/report/record-run.ts', JSON.stringify(SELECTIONS), outFile];
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      args,
      { cwd: ROOT, env, timeout: RUN_TIMEOUT_MS, maxBuffer: RUN_MAX_OUTPUT_BYTES },
      (err, _stdout, stderr) => {
        if (err) reject(new Error(`recording a run failed: ${err.message}\n${stderr}`));
        else resolve(JSON.parse(fs.readFileSync(outFile, 'utf8')) as Envelope[][]);
      },
    ),
  );
}

function scenarios(runs: Envelope[][]): Map<string, ScenarioRecord> {
  return new Map(runs.flatMap((envelopes) => [...scenariosOfRun(envelopes)]));
}

test('determinism: two runs of the same seeds attach byte-identical reports, wall-clock apart', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidal-determinism-'));
  try {
    const [first, second] = await Promise.all([
      recordInChild(path.join(dir, 'run-1.json')),
      recordInChild(path.join(dir, 'run-2.json')),
    ]);

    SELECTIONS.forEach((selection, i) => {
      const ran = [...scenariosOfRun(first[i]!).values()];
      assert.ok(ran.length > 0, `${selection.paths.join(' ')} ran no scenario`);
      for (const name of selection.names ?? [])
        assert.ok(
          ran.some((s) => new RegExp(name).test(s.name)),
          `no scenario of ${selection.paths.join(' ')} is named like /${name}/: was it renamed?`,
        );
    });

    const comparison = compareRuns(scenarios(first), scenarios(second), new Set([WALL_CLOCK_FILE_NAME]));
    if (comparison.differences.length)
      assert.fail(
        `two runs of the same seeds attached different reports:\n  ${comparison.differences.join('\n  ')}`,
      );
    assert.ok(comparison.identical > 0, 'no attachment was compared: the runs attached nothing');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
