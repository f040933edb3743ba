/**
 * Records a Cucumber run of some scenarios as its message stream, through Cucumber's API, with
 * the project's step definitions and no formatter (so nothing is written under reports/). Run as
 * a script it writes the messages as JSON to a file, so that a test can compare two runs made by
 * separate processes, as two runs of a replay command are:
 *
 *   node -r ts-node/register src/report/record-run.ts '<selections as JSON>' <out.json>
 */
import * as fs from 'node:fs';
import { Writable } from 'node:stream';
import { loadConfiguration, runCucumber, type IRunEnvironment } from '@cucumber/cucumber/api';
import type { Envelope } from '@cucumber/messages';

/** Feature files to run and, optionally, the names of the scenarios to run in them. */
export interface Selection {
  paths: string[];
  /** Scenario name patterns (regular expressions); none: every scenario of `paths`. */
  names?: string[];
}

type Support = Parameters<typeof runCucumber>[0]['support'];

/** The messages of one Cucumber run per selection, in order; step definitions load once. */
export async function recordRuns(selections: readonly Selection[], cwd: string): Promise<Envelope[][]> {
  const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
  const environment: IRunEnvironment = { cwd, stdout: quiet, stderr: quiet };
  let support: Support | undefined;
  const runs: Envelope[][] = [];
  for (const selection of selections) {
    const { runConfiguration } = await loadConfiguration(
      {
        file: false, // the project's profiles would add every feature and write reports/
        provided: {
          paths: selection.paths,
          name: selection.names ?? [],
          requireModule: ['ts-node/register'],
          require: ['steps/**/*.ts'],
          format: [],
          strict: true,
        },
      },
      environment,
    );
    const envelopes: Envelope[] = [];
    // Step definitions register when their files are first required: a second load finds none.
    const options = support ? { ...runConfiguration, support } : runConfiguration;
    const result = await runCucumber(options, environment, (e) => envelopes.push(e));
    support ??= result.support;
    runs.push(envelopes);
  }
  return runs;
}

if (require.main === module) {
  const [selectionsJson, outFile] = process.argv.slice(2);
  if (!selectionsJson || !outFile)
    throw new Error('usage: record-run.ts \'[{"paths":["features/x.feature"]}]\' out.json');
  recordRuns(JSON.parse(selectionsJson) as Selection[], process.cwd()).then(
    (runs) => fs.writeFileSync(outFile, JSON.stringify(runs)),
    (err: unknown) => {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
