/**
 * Runs the real command line, `cucumber-js <args>`, with the project's cucumber.js and its reports
 * in a fresh temp dir (TIDAL_REPORTS_DIR): what the junit and merge tests check the reports of.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../../..');
const CUCUMBER = path.join(ROOT, 'node_modules/@cucumber/cucumber/bin/cucumber.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** The temp dir the reports went to; the caller removes it. */
  reports: string;
}

/** `cucumber-js ...args` from the project root; resolves when it exits (timeout 180 s). */
export function runCucumberCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const reports = fs.mkdtempSync(path.join(os.tmpdir(), 'tidal-reports-'));
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    TIDAL_REPORTS_DIR: reports,
    FORCE_COLOR: '0',
    ...env,
  };
  delete childEnv.NODE_TEST_CONTEXT; // the child is not a test file of this runner
  delete childEnv.TIDAL_LOG;
  delete childEnv.TIDAL_SEED;
  delete childEnv.GITHUB_STEP_SUMMARY;
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      [CUCUMBER, ...args],
      { cwd: ROOT, env: childEnv, timeout: 180_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({ code, stdout, stderr, reports });
      },
    ),
  );
}
