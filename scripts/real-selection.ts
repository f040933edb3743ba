/**
 * Which scenarios run against real processes, and whether any of them needs the simulator: the
 * scenarios a profile selects (Cucumber's own configuration, tag filter and step matching, in a
 * dry run that writes no report), each with the step definitions it uses, and what in the source
 * of those definitions only the simulator can do. A definition's source is its function's text
 * and, transitively, the text of the functions of its file that it calls; it needs the simulator
 * when that text looks inside the simulator (`this.sim`, `world.sim`) or sets a network fault that
 * real processes cannot be given (duplication, corruption, delay, reordering: no tc netem there).
 * A scenario of the `real` profile with such a need has lost its @simulator-only tag.
 *
 *   node -r ts-node/register scripts/real-selection.ts     # counts per mode, and the ratio
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfiguration, runCucumber, type IRunEnvironment } from '@cucumber/cucumber/api';
import type { Envelope } from '@cucumber/messages';
import * as ts from 'typescript';

/** What in a step definition's source only the simulator can do. */
const NEEDS: readonly { pattern: RegExp; need: string }[] = [
  { pattern: /\b(?:this|world)\.sim\b/, need: 'looks inside the simulator (this.sim)' },
  {
    pattern: /\b(?:duplicateRate|corruptRate|delayMs|jitterMs|reorder)\b/,
    need: 'a network fault real processes cannot be given (duplication, corruption, delay, reordering)',
  },
];

/** The functions that define steps. */
const DEFINERS = new Set(['Given', 'When', 'Then', 'defineStep']);

export interface StepUse {
  /** The step's text in the scenario. */
  text: string;
  /** Where its definition is: `steps/x.steps.ts:12`. */
  definition: string;
  /** What in the definition's source only the simulator can do (none: any cluster can run it). */
  needs: string[];
}

export interface SelectedScenario {
  /** `features/x.feature:12`, as in a replay command. */
  key: string;
  name: string;
  tags: string[];
  /** A product scenario (not tagged @technical). */
  product: boolean;
  steps: StepUse[];
}

type Support = Parameters<typeof runCucumber>[0]['support'];

/**
 * Lists the scenarios each profile selects, in one process (step definitions load once, so the
 * profiles share them). A dry run: no step runs, no report is written.
 */
export async function selectedByProfiles(
  profiles: readonly string[],
  cwd: string,
): Promise<Map<string, SelectedScenario[]>> {
  const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
  const environment: IRunEnvironment = { cwd, stdout: quiet, stderr: quiet };
  const sources = new SourceIndex(cwd);
  let support: Support | undefined;
  const out = new Map<string, SelectedScenario[]>();
  for (const profile of profiles) {
    const { runConfiguration } = await loadConfiguration({ profiles: [profile] }, environment);
    const envelopes: Envelope[] = [];
    const options = {
      ...runConfiguration,
      runtime: { ...runConfiguration.runtime, dryRun: true, parallel: 0 },
      formats: { ...runConfiguration.formats, stdout: 'summary', files: {} },
      plugins: { specifiers: [], options: {} },
      ...(support ? { support } : {}),
    };
    const result = await runCucumber(options, environment, (e) => envelopes.push(e));
    support ??= result.support;
    out.set(profile, scenariosOf(envelopes, sources));
  }
  return out;
}

function scenariosOf(envelopes: readonly Envelope[], sources: SourceIndex): SelectedScenario[] {
  const definitions = new Map<string, string>();
  const pickles = new Map<string, NonNullable<Envelope['pickle']>>();
  const scenarios: SelectedScenario[] = [];
  for (const e of envelopes) {
    if (e.stepDefinition) {
      const ref = e.stepDefinition.sourceReference;
      definitions.set(e.stepDefinition.id, `${ref.uri}:${ref.location?.line ?? 0}`);
    } else if (e.pickle) {
      pickles.set(e.pickle.id, e.pickle);
    } else if (e.testCase) {
      const pickle = pickles.get(e.testCase.pickleId);
      if (!pickle) throw new Error(`test case ${e.testCase.id} without its pickle`);
      const stepText = new Map(pickle.steps.map((s) => [s.id, s.text]));
      const tags = pickle.tags.map((t) => t.name);
      scenarios.push({
        key: `${pickle.uri}:${pickle.location?.line ?? 0}`,
        name: pickle.name,
        tags,
        product: !tags.includes('@technical'),
        steps: e.testCase.testSteps.flatMap((step) =>
          step.pickleStepId === undefined
            ? []
            : (step.stepDefinitionIds ?? []).map((id) => {
                const definition = definitions.get(id) ?? `unknown step definition ${id}`;
                return {
                  text: stepText.get(step.pickleStepId!) ?? '',
                  definition,
                  needs: sources.needsOf(definition),
                };
              }),
        ),
      });
    }
  }
  return scenarios;
}

/** Step definition files, parsed once each: what each definition's source needs. */
class SourceIndex {
  private readonly files = new Map<string, ts.SourceFile>();
  private readonly needs = new Map<string, string[]>();

  constructor(private readonly cwd: string) {}

  needsOf(definition: string): string[] {
    let needs = this.needs.get(definition);
    if (!needs) {
      const text = this.sourceOf(definition);
      needs = NEEDS.filter((n) => n.pattern.test(text)).map((n) => n.need);
      this.needs.set(definition, needs);
    }
    return needs;
  }

  /** The definition's function and every function of its file it calls, transitively. */
  private sourceOf(definition: string): string {
    const at = definition.lastIndexOf(':');
    const uri = definition.slice(0, at);
    const line = Number(definition.slice(at + 1));
    const file = this.parse(uri);
    const call = findDefinition(file, line);
    if (!call) throw new Error(`${definition}: no Given/When/Then/defineStep call starts on that line`);
    const helpers = topLevelFunctions(file);
    const seen = new Set<ts.Node>();
    const texts: string[] = [];
    const visit = (node: ts.Node): void => {
      if (seen.has(node)) return;
      seen.add(node);
      texts.push(node.getText(file));
      const walk = (n: ts.Node): void => {
        if (ts.isCallExpression(n) && ts.isIdentifier(n.expression)) {
          const helper = helpers.get(n.expression.text);
          if (helper) visit(helper);
        }
        ts.forEachChild(n, walk);
      };
      walk(node);
    };
    for (const arg of call.arguments.slice(1)) visit(arg);
    return texts.join('\n');
  }

  private parse(uri: string): ts.SourceFile {
    let file = this.files.get(uri);
    if (!file) {
      const text = fs.readFileSync(path.join(this.cwd, uri), 'utf8');
      file = ts.createSourceFile(uri, text, ts.ScriptTarget.ES2022, true);
      this.files.set(uri, file);
    }
    return file;
  }
}

/** The Given/When/Then/defineStep call that starts on `line` (1-based), as Cucumber reports it. */
function findDefinition(file: ts.SourceFile, line: number): ts.CallExpression | undefined {
  let found: ts.CallExpression | undefined;
  const walk = (n: ts.Node): void => {
    if (found) return;
    if (
      ts.isCallExpression(n) &&
      ts.isIdentifier(n.expression) &&
      DEFINERS.has(n.expression.text) &&
      file.getLineAndCharacterOfPosition(n.getStart(file)).line + 1 === line
    ) {
      found = n;
      return;
    }
    ts.forEachChild(n, walk);
  };
  walk(file);
  return found;
}

/** Functions declared at a file's top level (`function f` and `const f = (…) =>`), by name. */
function topLevelFunctions(file: ts.SourceFile): Map<string, ts.Node> {
  const out = new Map<string, ts.Node>();
  for (const statement of file.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name) out.set(statement.name.text, statement);
    else if (ts.isVariableStatement(statement))
      for (const d of statement.declarationList.declarations)
        if (ts.isIdentifier(d.name) && d.initializer) out.set(d.name.text, d);
  }
  return out;
}

/** The scenarios of a selection that use a step needing the simulator, with the steps and why. */
export function needingTheSimulator(scenarios: readonly SelectedScenario[]): string[] {
  return scenarios.flatMap((s) => {
    const uses = s.steps.filter((u) => u.needs.length > 0);
    return uses.length === 0
      ? []
      : [
          `${s.key} "${s.name}" (tag it @simulator-only):\n` +
            uses.map((u) => `    "${u.text}" (${u.definition}) ${u.needs.join('; ')}`).join('\n'),
        ];
  });
}

/** Product scenarios per mode and the share that runs in both, as the report prints it. */
export function modeCounts(simulated: readonly SelectedScenario[], real: readonly SelectedScenario[]) {
  const product = (list: readonly SelectedScenario[]): number => list.filter((s) => s.product).length;
  return {
    simulated: { scenarios: simulated.length, product: product(simulated) },
    real: { scenarios: real.length, product: product(real) },
    /** Product scenarios that run in both modes, of all product scenarios. */
    ratio: product(real) / product(simulated),
  };
}

if (require.main === module) {
  selectedByProfiles(['ci', 'real'], path.resolve(__dirname, '..')).then(
    (selected) => {
      const simulated = selected.get('ci')!;
      const real = selected.get('real')!;
      const c = modeCounts(simulated, real);
      process.stdout.write(
        `simulated mode (profile ci):  ${c.simulated.scenarios} scenarios, ${c.simulated.product} product\n` +
          `real mode (profile real):     ${c.real.scenarios} scenarios, ${c.real.product} product\n` +
          `product scenarios in both modes: ${c.real.product} of ${c.simulated.product} (${(100 * c.ratio).toFixed(1)}%)\n`,
      );
      const missed = needingTheSimulator(real);
      if (missed.length) {
        process.stdout.write(`\n${missed.length} scenario(s) of the real selection need the simulator:\n`);
        process.stdout.write(`${missed.join('\n')}\n`);
        process.exitCode = 1;
      }
      if (process.argv.includes('--list'))
        for (const s of simulated)
          process.stdout.write(
            `${real.some((r) => r.key === s.key) ? 'both' : 'sim '} ${s.product ? 'product' : 'technical'} ${s.key} ${s.name}${
              needingTheSimulator([s]).length ? '  [needs sim]' : ''
            }\n`,
          );
    },
    (err: unknown) => {
      process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
