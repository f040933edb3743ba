/**
 * Validation of a JUnit XML file against the Apache Ant JUnit schema (schemas/junit-ant.xsd) with
 * xmllint (Debian's libxml2-utils; `.ci/run` installs it). A test kit: the junit and merge tests
 * use it, and report themselves skipped, never passed, when xmllint is missing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';

export const JUNIT_SCHEMA = path.resolve(__dirname, '../../../../schemas/junit-ant.xsd');

/** The skip reason for node:test when xmllint is missing, else false. */
export const XMLLINT_SKIP: string | false = (() => {
  try {
    execFileSync('xmllint', ['--version'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'xmllint is not installed: apt-get install -y libxml2-utils (as .ci/run does)';
  }
})();

/** xmllint's verdict on `files` against the Ant JUnit schema: ok, and what it said. */
export function validateJunit(files: readonly string[]): { ok: boolean; output: string } {
  const run = spawnSync('xmllint', ['--noout', '--schema', JUNIT_SCHEMA, ...files], { encoding: 'utf8' });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}
