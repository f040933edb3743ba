/**
 * The sentence table against the step definitions Cucumber really loads: every sentence the
 * printer says matches exactly one step (no ambiguity), the one its row names as home, and reads
 * back through the row as what was said; every row is said; every step of simulation.steps.ts is a
 * row or is used by a feature; and the printed-sentences feature is what the printer prints.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { DataTable } from '@cucumber/cucumber';
import { loadConfiguration, loadSupport } from '@cucumber/cucumber/api';
import type { Expression } from '@cucumber/cucumber-expressions';
import { sayings, toGherkin } from './gherkin';
import { SIMULATION_STEPS, type Said, type Sentence } from './grammar';
import { runSchedule } from './runner';
import { fullShape, UNKNOWN_REGION } from './schedule';
import { SENTENCES, say } from './sentences';
import { everySentence, withBugSwitch } from './testing/every-sentence';

const root = path.resolve(__dirname, '..', '..');
const BUG = 'sessions-forgive-bad-options';

/** The printed scenarios of features/simulation/printed-sentences.feature, and what they say. */
async function printed(): Promise<{ gherkin: string[]; said: Said[] }> {
  const every = everySentence();
  const run = await runSchedule(every);
  const bug = withBugSwitch();
  const all = [sayings(every, { outcomes: run.outcomes }), sayings(bug, { bug: BUG })];
  return {
    gherkin: [
      // Under the feature's Rule, so indented one level further than the printer's default.
      toGherkin(every, { outcomes: run.outcomes, title: 'Every sentence the printer has', indent: '    ' }),
      toGherkin(bug, { bug: BUG, title: 'A printed scenario switches a test-only bug on', indent: '    ' }),
    ],
    said: all.flatMap((s) => [...s.given, ...s.when, ...s.then]),
  };
}

/**
 * What a sentence can state of what was said: a cluster with every setting, a redirecting
 * session without a timeout (it never waits), a request to an unknown region without its own.
 */
function stated(said: Said): Said {
  if (said.say === 'cluster') return { say: 'cluster', shape: fullShape(said.shape) };
  if (said.say === 'session' && said.session.policy === 'redirect')
    return { say: 'session', session: { ...said.session, timeoutMs: 0 } };
  if (said.say === 'start' && said.op.kind === 'bad-request' && said.op.problem === 'unknown-region')
    return { ...said, op: { ...said.op, region: UNKNOWN_REGION } };
  return said;
}

function table(lines: string[]): DataTable | undefined {
  if (lines.length === 0) return undefined;
  return new DataTable(
    lines.map((l) =>
      l
        .trim()
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    ),
  );
}

/** Cucumber's internal view of loaded support code: the public type hides the step definitions. */
type Loaded = {
  stepDefinitions: {
    pattern: string;
    uri: string;
    expression: Expression;
    matchesStepName(text: string): boolean;
  }[];
};

/** The suite's step definitions, as Cucumber loads them (once: a module registers its steps once). */
const loaded = (async () => {
  const { runConfiguration } = await loadConfiguration(
    { provided: { requireModule: ['ts-node/register'], require: ['steps/**/*.ts'], paths: [] } },
    { cwd: root },
  );
  const support = (await loadSupport(runConfiguration, { cwd: root })) as unknown as Loaded;
  return support.stepDefinitions.map((def) => ({ def, home: path.relative(root, def.uri) }));
})();

test('grammar: every printed sentence matches one step, in its home, and reads back as what it said', async () => {
  const defs = await loaded;
  const { said } = await printed();
  const used = new Set<Sentence>();
  for (const s of said) {
    const [line, ...rows] = say(s).split('\n');
    const matching = defs.filter(({ def }) => def.matchesStepName(line!));
    assert.equal(matching.length, 1, `"${line}" matches ${matching.map((m) => m.def.pattern).join(' | ')}`);
    const { def, home } = matching[0]!;
    const row = SENTENCES.find((r) => r.print(s) !== undefined)!;
    assert.equal(def.pattern, row.expression, line);
    assert.equal(home, row.home, `"${line}" is defined in ${home}, its row says ${row.home}`);
    const values: unknown[] = def.expression.match(line!)!.map((arg) => arg.getValue(null));
    const data = table(rows);
    assert.deepEqual(row.read(data ? [...values, data] : values), stated(s), line);
    used.add(row);
  }
  const unsaid = SENTENCES.filter((r) => !used.has(r)).map((r) => r.expression);
  assert.deepEqual(unsaid, [], 'rows the round trip never says: add them to testing/every-sentence.ts');
});

test('grammar: every step of simulation.steps.ts is a row of the table or used by a feature', async () => {
  const defs = (await loaded).filter((d) => d.home === SIMULATION_STEPS);
  const rows = SENTENCES.filter((r) => r.home === SIMULATION_STEPS).map((r) => r.expression);
  const featureSteps = fs
    .readdirSync(path.join(root, 'features'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.feature'))
    .flatMap((f) => fs.readFileSync(path.join(root, 'features', f), 'utf8').split('\n'))
    .flatMap((l) => /^\s*(?:Given|When|Then|And|But|\*) (.*)$/.exec(l)?.slice(1) ?? [])
    .map((text) => text.replace(/<[^>]+>/g, '1')); // an outline's placeholders, filled
  for (const row of new Set(rows))
    assert.equal(defs.filter((d) => d.def.pattern === row).length, 1, `"${row}" is registered once`);
  const dead = defs
    .filter((d) => !rows.includes(d.def.pattern) && !featureSteps.some((t) => d.def.matchesStepName(t)))
    .map((d) => d.def.pattern);
  assert.deepEqual(dead, [], 'step definitions neither printed nor used by any feature');
});

test('grammar: features/simulation/printed-sentences.feature is what the printer prints', async () => {
  const feature = fs.readFileSync(path.join(root, 'features/simulation/printed-sentences.feature'), 'utf8');
  for (const scenario of (await printed()).gherkin)
    assert.ok(
      feature.includes(scenario.trimEnd()),
      `the printer now prints this; update the feature (and check the change):\n${scenario}`,
    );
});

test('grammar: a sentence that states what the simulator does not send reads back as an error', () => {
  const row = SENTENCES.find((r) => r.expression.includes('an entity id of'))!;
  assert.throws(() => row.read(['click', 1, 300, 'y', 'eu-west']), /not a bad request the simulator sends/);
});
