/**
 * `npm run spec:metrics [-- --check] [-- --json] [features dir or .feature files…]`
 *
 * Measures the Gherkin as a specification a product owner signs (issue 13), parsing every feature
 * with Cucumber's own parser (@cucumber/gherkin, the version cucumber-js runs):
 *
 * - for product features (every feature not tagged `@technical`) and, apart, `@technical` ones:
 *   features, Rules, scenarios (Scenario and Scenario Outline blocks) and examples (a Scenario is
 *   one, an Outline one per Examples row), scenarios with more than one action, the longest
 *   scenario in steps (Background steps included), scenarios outside a Rule;
 * - an action is a `When` step, or an `And`/`But` that follows a `When` before any `Then`;
 * - the engineer's words in product features, with file:line (`CODE_WORDS`);
 * - which Rules cover each Phase 8.6 promise (`PROMISES`, a tag on the Feature or the Rule);
 * - the `@smoke` examples of each capability (`CAPABILITIES`; exactly one each).
 *
 * `--check` exits 1 when a product goal is missed: a product scenario with more than one action,
 * a code word in a product feature, a capability without exactly one @smoke example, a product
 * scenario outside a Rule. Exit 2: a feature does not parse.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { AstBuilder, GherkinClassicTokenMatcher, Parser, compile } from '@cucumber/gherkin';
import {
  IdGenerator,
  StepKeywordType,
  type Background,
  type Feature,
  type GherkinDocument,
  type Rule,
  type Scenario,
  type Step,
} from '@cucumber/messages';

/** The Phase 8.6 promises a Feature or Rule tag says it covers. */
export const PROMISES = [
  'regions',
  'writes',
  'replication',
  'partitions',
  'convergence',
  'decay',
  'clocks',
  'crdt-merge',
  'reconciliation',
  'sessions',
  'idempotency',
  'tenants',
  'routing',
  'wire-format',
  'failover',
  'durability',
] as const;

/** Capability tags: each has exactly one `@smoke` example. */
export const CAPABILITIES = [
  'harness',
  'replication',
  'partitions',
  'convergence',
  'clocks',
  'sessions',
  'idempotency',
  'routing',
  'recovery',
  'failover',
  'bad-input',
  'simulation',
  'decay',
] as const;

/** Engineer's words a product feature does not use (issue 13; features/GLOSSARY.md has the product's). */
export const CODE_WORDS: ReadonlyArray<{ word: string; pattern: RegExp }> = [
  { word: 'epoch', pattern: /\bepochs?\b/i },
  { word: 'sequence number', pattern: /\bsequence numbers?\b/i },
  { word: 'SeqNo', pattern: /\bseq-?nos?\b/i },
  { word: 'mark', pattern: /\bmarks?\b/i },
  { word: 'high-water', pattern: /\bhigh[- ]water\b/i },
  { word: 'event(s)', pattern: /\bevents?\b/i },
  { word: '…Error', pattern: /\b\w*Error\b/ },
  { word: 'noted', pattern: /\bnoted\b/i },
  { word: 'measured from now on', pattern: /\bmeasured from now on\b/i },
  { word: 'applied', pattern: /\bapplied\b/i },
  { word: 'the cluster runs for', pattern: /\bthe cluster runs for\b/i },
];

export const STEPS_GOAL = 8;

export interface ScenarioFacts {
  file: string;
  line: number;
  name: string;
  /** Scenario Outline (or Template). */
  outline: boolean;
  /** Examples it stands for: 1, or an Outline's Examples rows. */
  examples: number;
  /** Its steps with those of the Backgrounds above it. */
  steps: number;
  /** `When` steps, and `And`/`But` after a `When` before any `Then`. */
  actions: number;
  /** Name of the Rule it sits under; undefined: directly under the Feature. */
  rule?: string;
}

export interface RuleFacts {
  file: string;
  line: number;
  name: string;
  /** Its tags and its Feature's, without `@`. */
  tags: string[];
  technical: boolean;
}

export interface CodeWordHit {
  file: string;
  line: number;
  word: string;
  text: string;
}

export interface FeatureFacts {
  file: string;
  name: string;
  technical: boolean;
  tags: string[];
  rules: RuleFacts[];
  scenarios: ScenarioFacts[];
  /** Each example (pickle): where it is and its tags, inherited, without `@`. */
  examples: Array<{ line: number; name: string; tags: string[] }>;
  codeWords: CodeWordHit[];
}

const tagNames = (tags: ReadonlyArray<{ name: string }>): string[] =>
  tags.map((t) => t.name.replace(/^@/, ''));

/** Actions among a scenario's steps (Background steps first): see the module comment. */
export function countActions(steps: readonly Step[]): number {
  let actions = 0;
  let last: StepKeywordType | undefined;
  for (const step of steps) {
    const type = step.keywordType;
    if (type === StepKeywordType.CONJUNCTION) {
      if (last === StepKeywordType.ACTION) actions++;
      continue; // an And/But keeps the kind of the step before it
    }
    if (type === StepKeywordType.ACTION) actions++;
    last = type;
  }
  return actions;
}

/** Lines with code words, outside comments. `#` inside a line is text (Gherkin has no end-of-line comments). */
export function findCodeWords(file: string, text: string): CodeWordHit[] {
  const hits: CodeWordHit[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim().startsWith('#')) return;
    for (const { word, pattern } of CODE_WORDS) {
      if (pattern.test(line)) hits.push({ file, line: i + 1, word, text: line.trim() });
    }
  });
  return hits;
}

export function parseFeature(text: string): GherkinDocument {
  const parser = new Parser(new AstBuilder(IdGenerator.uuid()), new GherkinClassicTokenMatcher());
  return parser.parse(text);
}

/** The facts of one feature file. */
export function featureFacts(file: string, text: string): FeatureFacts | undefined {
  const document = parseFeature(text);
  const feature: Feature | undefined = document.feature;
  if (!feature) return undefined;
  const featureTags = tagNames(feature.tags);
  const technical = featureTags.includes('technical');
  const rules: RuleFacts[] = [];
  const scenarios: ScenarioFacts[] = [];

  const addScenario = (scenario: Scenario, backgrounds: Background[], rule?: Rule): void => {
    const steps = [...backgrounds.flatMap((b) => b.steps), ...scenario.steps];
    const outline = scenario.examples.length > 0 || /Outline|Template/.test(scenario.keyword);
    scenarios.push({
      file,
      line: scenario.location.line,
      name: scenario.name,
      outline,
      examples: outline ? scenario.examples.reduce((n, e) => n + e.tableBody.length, 0) : 1,
      steps: steps.length,
      actions: countActions(steps),
      ...(rule ? { rule: rule.name } : {}),
    });
  };

  const featureBackgrounds: Background[] = [];
  for (const child of feature.children) {
    if (child.background) featureBackgrounds.push(child.background);
    if (child.scenario) addScenario(child.scenario, featureBackgrounds);
    if (child.rule) {
      const rule = child.rule;
      rules.push({
        file,
        line: rule.location.line,
        name: rule.name,
        tags: [...new Set([...featureTags, ...tagNames(rule.tags)])],
        technical,
      });
      const ruleBackgrounds = [...featureBackgrounds];
      for (const ruleChild of rule.children) {
        if (ruleChild.background) ruleBackgrounds.push(ruleChild.background);
        if (ruleChild.scenario) addScenario(ruleChild.scenario, ruleBackgrounds, rule);
      }
    }
  }

  const lineOf = new Map<string, number>();
  const visit = (scenario: Scenario): void => {
    lineOf.set(scenario.id, scenario.location.line);
    for (const examples of scenario.examples)
      for (const row of examples.tableBody) lineOf.set(row.id, row.location.line);
  };
  for (const child of feature.children) {
    if (child.scenario) visit(child.scenario);
    for (const ruleChild of child.rule?.children ?? []) if (ruleChild.scenario) visit(ruleChild.scenario);
  }
  const examples = compile(document, file, IdGenerator.uuid()).map((pickle) => ({
    // An example row's pickle names the scenario first, then the row: the row's line selects it.
    line: lineOf.get(pickle.astNodeIds[pickle.astNodeIds.length - 1]!) ?? 0,
    name: pickle.name,
    tags: tagNames(pickle.tags),
  }));

  return {
    file,
    name: feature.name,
    technical,
    tags: featureTags,
    rules,
    scenarios,
    examples,
    codeWords: technical ? [] : findCodeWords(file, text),
  };
}

export interface GroupMetrics {
  features: number;
  rules: number;
  scenarios: number;
  outlines: number;
  examples: number;
  moreThanOneAction: ScenarioFacts[];
  longest: ScenarioFacts | undefined;
  overStepsGoal: ScenarioFacts[];
  outsideRule: ScenarioFacts[];
}

export interface Metrics {
  files: number;
  product: GroupMetrics;
  technical: GroupMetrics;
  codeWords: CodeWordHit[];
  promises: Array<{ promise: string; rules: RuleFacts[]; featuresWithoutRules: string[] }>;
  smoke: Array<{ capability: string; examples: Array<{ file: string; line: number; name: string }> }>;
  goals: Array<{ goal: string; met: boolean; missed: number }>;
}

function group(features: FeatureFacts[]): GroupMetrics {
  const scenarios = features.flatMap((f) => f.scenarios);
  const longest = scenarios.reduce<ScenarioFacts | undefined>(
    (best, s) => (best === undefined || s.steps > best.steps ? s : best),
    undefined,
  );
  return {
    features: features.length,
    rules: features.reduce((n, f) => n + f.rules.length, 0),
    scenarios: scenarios.length,
    outlines: scenarios.filter((s) => s.outline).length,
    examples: scenarios.reduce((n, s) => n + s.examples, 0),
    moreThanOneAction: scenarios.filter((s) => s.actions > 1),
    longest,
    overStepsGoal: scenarios.filter((s) => s.steps > STEPS_GOAL),
    outsideRule: scenarios.filter((s) => s.rule === undefined),
  };
}

export function measure(features: FeatureFacts[]): Metrics {
  const product = group(features.filter((f) => !f.technical));
  const technical = group(features.filter((f) => f.technical));
  const codeWords = features.flatMap((f) => f.codeWords);
  const rules = features.flatMap((f) => f.rules);
  const promises = PROMISES.map((promise) => ({
    promise,
    rules: rules.filter((r) => r.tags.includes(promise)),
    featuresWithoutRules: features
      .filter((f) => f.rules.length === 0 && f.tags.includes(promise))
      .map((f) => f.file),
  }));
  const smoke = CAPABILITIES.map((capability) => ({
    capability,
    examples: features.flatMap((f) =>
      f.examples
        // A capability is a feature's tag: a Rule's promise tags (which reuse some of the same
        // names) say what else it covers, not whose smoke example it is.
        .filter((e) => e.tags.includes('smoke') && f.tags.includes(capability))
        .map((e) => ({ file: f.file, line: e.line, name: e.name })),
    ),
  }));
  const smokeMissed = smoke.filter((s) => s.examples.length !== 1).length;
  const goals = [
    { goal: 'no product scenario with more than one action', missed: product.moreThanOneAction.length },
    { goal: 'no code word in a product feature', missed: codeWords.length },
    { goal: 'exactly one @smoke example per capability', missed: smokeMissed },
    { goal: 'every product scenario under a Rule', missed: product.outsideRule.length },
  ].map((g) => ({ ...g, met: g.missed === 0 }));
  return { files: features.length, product, technical, codeWords, promises, smoke, goals };
}

/** Every .feature file under the given paths (directories searched recursively), sorted. */
export function featureFiles(paths: readonly string[]): string[] {
  const found: string[] = [];
  for (const p of paths) {
    if (statSync(p).isDirectory()) {
      for (const entry of readdirSync(p, { recursive: true, encoding: 'utf8' }))
        if (entry.endsWith('.feature')) found.push(path.join(p, entry));
    } else found.push(p);
  }
  return found.sort();
}

const where = (s: { file: string; line: number }): string => `${s.file}:${s.line}`;

export function formatText(m: Metrics): string {
  const out: string[] = [];
  const row = (label: string, product: string | number, technical: string | number, goal = ''): void => {
    out.push(
      `${label.padEnd(40)}${String(product).padStart(9)}${String(technical).padStart(11)}   ${goal}`.trimEnd(),
    );
  };
  const longest = (g: GroupMetrics): string => (g.longest ? String(g.longest.steps) : '-');
  out.push(`Spec metrics: ${m.files} feature files`, '');
  row('', 'product', 'technical', 'goal');
  row('features', m.product.features, m.technical.features);
  row('Rules', m.product.rules, m.technical.rules);
  row('scenarios (Scenario / Outline blocks)', m.product.scenarios, m.technical.scenarios);
  row('  of which Scenario Outlines', m.product.outlines, m.technical.outlines);
  row('examples (an Outline: one per row)', m.product.examples, m.technical.examples);
  row(
    'scenarios with more than one When',
    m.product.moreThanOneAction.length,
    m.technical.moreThanOneAction.length,
    '0',
  );
  row(
    'longest scenario (steps, Backgrounds in)',
    longest(m.product),
    longest(m.technical),
    `about ${STEPS_GOAL}`,
  );
  row(`scenarios over ${STEPS_GOAL} steps`, m.product.overStepsGoal.length, m.technical.overStepsGoal.length);
  row(
    'scenarios outside a Rule',
    m.product.outsideRule.length,
    m.technical.outsideRule.length,
    '0 (product)',
  );
  row('code words', m.codeWords.length, '-', '0 (product)');

  for (const [label, g] of [
    ['product', m.product],
    ['technical', m.technical],
  ] as const) {
    if (g.longest)
      out.push(
        '',
        `Longest ${label} scenario: ${where(g.longest)} "${g.longest.name}" (${g.longest.steps} steps)`,
      );
    if (g.moreThanOneAction.length > 0) {
      out.push(
        '',
        `${label[0]!.toUpperCase()}${label.slice(1)} scenarios with more than one When (actions):`,
      );
      for (const s of g.moreThanOneAction) out.push(`  ${where(s)}  ${s.actions}  ${s.name}`);
    }
  }

  out.push('', `Code words in product features (${m.codeWords.length}):`);
  if (m.codeWords.length === 0) out.push('  none');
  for (const hit of m.codeWords) out.push(`  ${where(hit)}  ${hit.word.padEnd(20)} ${hit.text}`);

  out.push('', 'Promises → Rules covering them (a tag on the Feature or the Rule):');
  for (const p of m.promises) {
    out.push(`  @${p.promise.padEnd(16)}${String(p.rules.length).padStart(3)} Rule(s)`);
    for (const r of p.rules) out.push(`      ${r.file}: ${r.name}${r.technical ? '  (technical)' : ''}`);
    if (p.featuresWithoutRules.length > 0)
      out.push(`      tagged, but with no Rule: ${p.featuresWithoutRules.join(', ')}`);
  }

  out.push('', '@smoke examples per capability (goal: exactly 1):');
  for (const s of m.smoke) {
    const mark = s.examples.length === 1 ? 'ok' : 'MISSED';
    out.push(`  @${s.capability.padEnd(13)}${String(s.examples.length).padStart(3)}  ${mark}`);
    for (const e of s.examples) out.push(`      ${where(e)}  ${e.name}`);
  }

  out.push('', 'Product goals (--check):');
  for (const g of m.goals)
    out.push(`  ${g.met ? 'met   ' : 'MISSED'}  ${g.goal}${g.met ? '' : ` (${g.missed})`}`);
  return `${out.join('\n')}\n`;
}

function main(argv: readonly string[]): number {
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  for (const flag of flags)
    if (flag !== '--check' && flag !== '--json') {
      process.stderr.write(`unknown option ${flag}; usage: spec-metrics.ts [--check] [--json] [paths…]\n`);
      return 2;
    }
  const paths = argv.filter((a) => !a.startsWith('--'));
  const features: FeatureFacts[] = [];
  for (const file of featureFiles(paths.length > 0 ? paths : ['features'])) {
    try {
      const facts = featureFacts(file, readFileSync(file, 'utf8'));
      if (facts) features.push(facts);
    } catch (err) {
      process.stderr.write(`${file}: ${(err as Error).message}\n`);
      return 2;
    }
  }
  const metrics = measure(features);
  process.stdout.write(flags.has('--json') ? `${JSON.stringify(metrics, null, 2)}\n` : formatText(metrics));
  return flags.has('--check') && metrics.goals.some((g) => !g.met) ? 1 : 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
