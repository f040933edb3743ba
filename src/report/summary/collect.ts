/**
 * Builds the RunSummary from Cucumber's message stream (envelopes), the way Cucumber's own
 * reports do: gherkin documents give feature tags and lines, pickles give scenarios, test cases
 * map pickles to steps, and step results, attachments and finish messages give the outcome.
 * A retried scenario counts once, with the outcome of its last attempt and the time of all.
 */
import type {
  Attachment,
  Envelope,
  GherkinDocument,
  Hook,
  Pickle,
  TestCase,
  TestCaseFinished,
  TestCaseStarted,
  TestStepFinished,
  Timestamp,
} from '@cucumber/messages';
import { parseSeedAttachment, SEED_MEDIA_TYPE, type SeedInfo } from '../seed';
import {
  capabilityOf,
  FAILING_STATUSES,
  tallyCapabilities,
  type RunSummary,
  type ScenarioResult,
  type ScenarioStatus,
} from './model';

/** Bound on one error text kept for the summary: enough for a message and a useful stack. */
const MAX_ERROR_CHARS = 8000;

/** Worst first: the first of these among a scenario's steps is the scenario's status. */
const STEP_PRECEDENCE: ReadonlyArray<[string, ScenarioStatus]> = [
  ['FAILED', 'failed'],
  ['AMBIGUOUS', 'failed'],
  ['UNDEFINED', 'undefined'],
  ['PENDING', 'pending'],
  ['SKIPPED', 'skipped'],
];

interface Attempt {
  testCaseId: string;
  startedMs: number;
  steps: TestStepFinished[];
  seed?: SeedInfo;
}

interface Carry {
  durationMs: number;
  attempts: number;
}

export class SummaryCollector {
  private readonly featureTags = new Map<string, string[]>(); // by uri
  private readonly astLines = new Map<string, number>(); // gherkin node id → line
  private readonly pickles = new Map<string, Pickle>();
  private readonly testCases = new Map<string, TestCase>();
  private readonly hooks = new Map<string, Hook>();
  private readonly attempts = new Map<string, Attempt>(); // by testCaseStartedId
  private readonly carried = new Map<string, Carry>(); // earlier attempts, by pickle id
  private readonly results: ScenarioResult[] = [];
  private firstMs: number | undefined;
  private lastMs: number | undefined;
  private success: boolean | undefined;
  private cucumberVersion: string | undefined;

  /** Feed every envelope, in stream order. */
  add(envelope: Envelope): void {
    if (envelope.meta) this.cucumberVersion = envelope.meta.implementation.version;
    if (envelope.gherkinDocument) this.addDocument(envelope.gherkinDocument);
    if (envelope.pickle) this.pickles.set(envelope.pickle.id, envelope.pickle);
    if (envelope.hook) this.hooks.set(envelope.hook.id, envelope.hook);
    if (envelope.testCase) this.testCases.set(envelope.testCase.id, envelope.testCase);
    if (envelope.testRunStarted) this.seen(envelope.testRunStarted.timestamp);
    if (envelope.testCaseStarted) this.startAttempt(envelope.testCaseStarted);
    if (envelope.testStepFinished)
      this.attempts.get(envelope.testStepFinished.testCaseStartedId)?.steps.push(envelope.testStepFinished);
    if (envelope.attachment) this.addAttachment(envelope.attachment);
    if (envelope.testCaseFinished) this.finishAttempt(envelope.testCaseFinished);
    if (envelope.testRunFinished) {
      this.seen(envelope.testRunFinished.timestamp);
      this.success = envelope.testRunFinished.success;
    }
  }

  /** The summary of everything seen so far. */
  summary(): RunSummary {
    const scenarios = [...this.results].sort((a, b) => a.uri.localeCompare(b.uri) || a.line - b.line);
    const { rows, total } = tallyCapabilities(scenarios);
    const failures = scenarios.filter((s) => FAILING_STATUSES.includes(s.status));
    return {
      capabilities: rows,
      total,
      scenarios,
      failures,
      runDurationMs:
        this.firstMs === undefined || this.lastMs === undefined
          ? total.durationMs
          : this.lastMs - this.firstMs,
      success: this.success ?? failures.length === 0,
      startedAt: this.firstMs === undefined ? undefined : new Date(this.firstMs).toISOString(),
      cucumberVersion: this.cucumberVersion,
    };
  }

  private addDocument(document: GherkinDocument): void {
    const feature = document.feature;
    if (!document.uri || !feature) return;
    this.featureTags.set(
      document.uri,
      feature.tags.map((t) => t.name),
    );
    const children = feature.children.flatMap((c) => (c.rule ? c.rule.children : [c]));
    for (const child of children) {
      const scenario = child.scenario;
      if (!scenario) continue;
      this.astLines.set(scenario.id, scenario.location.line);
      for (const row of scenario.examples.flatMap((e) => e.tableBody))
        this.astLines.set(row.id, row.location.line);
    }
  }

  private startAttempt(started: TestCaseStarted): void {
    const startedMs = toMs(started.timestamp);
    this.seen(started.timestamp);
    this.attempts.set(started.id, { testCaseId: started.testCaseId, startedMs, steps: [] });
  }

  /** The first seed attachment of an attempt wins: it is the seed the scenario started with. */
  private addAttachment(attachment: Attachment): void {
    if (attachment.mediaType !== SEED_MEDIA_TYPE || !attachment.testCaseStartedId) return;
    const attempt = this.attempts.get(attachment.testCaseStartedId);
    if (!attempt || attempt.seed) return;
    const body =
      String(attachment.contentEncoding) === 'BASE64'
        ? Buffer.from(attachment.body, 'base64').toString('utf8')
        : attachment.body;
    attempt.seed = parseSeedAttachment(body);
  }

  private finishAttempt(finished: TestCaseFinished): void {
    const attempt = this.attempts.get(finished.testCaseStartedId);
    const testCase = attempt && this.testCases.get(attempt.testCaseId);
    const pickle = testCase && this.pickles.get(testCase.pickleId);
    if (!attempt || !testCase || !pickle) return; // a message stream without its prologue: nothing to report
    this.seen(finished.timestamp);
    this.attempts.delete(finished.testCaseStartedId);
    const carry = this.carried.get(pickle.id) ?? { durationMs: 0, attempts: 0 };
    carry.durationMs += Math.max(0, toMs(finished.timestamp) - attempt.startedMs);
    carry.attempts += 1;
    if (finished.willBeRetried) {
      this.carried.set(pickle.id, carry);
      return;
    }
    this.carried.delete(pickle.id);
    this.results.push(this.result(pickle, testCase, attempt, carry));
  }

  private result(pickle: Pickle, testCase: TestCase, attempt: Attempt, carry: Carry): ScenarioResult {
    const decisive = decisiveStep(attempt.steps);
    const status = decisive?.status ?? 'passed';
    const result: ScenarioResult = {
      name: pickle.name,
      uri: pickle.uri,
      line: pickle.location?.line ?? this.astLines.get(pickle.astNodeIds[pickle.astNodeIds.length - 1]) ?? 0,
      capability: capabilityOf(this.featureTags.get(pickle.uri) ?? [], pickle.uri),
      status,
      durationMs: carry.durationMs,
      attempts: carry.attempts,
      seed: attempt.seed,
    };
    if (decisive && status !== 'passed') {
      result.failedStep = this.stepText(pickle, testCase, decisive.step.testStepId);
      result.error = errorText(decisive.step, status, result.failedStep);
    }
    return result;
  }

  private stepText(pickle: Pickle, testCase: TestCase, testStepId: string): string {
    const testStep = testCase.testSteps.find((s) => s.id === testStepId);
    if (testStep?.pickleStepId) {
      const step = pickle.steps.find((s) => s.id === testStep.pickleStepId);
      if (step) return step.text;
    }
    const hook = testStep?.hookId ? this.hooks.get(testStep.hookId) : undefined;
    if (!hook) return 'a hook';
    const where = `${hook.sourceReference.uri ?? '?'}:${hook.sourceReference.location?.line ?? '?'}`;
    return `${hookKind(hook)}${hook.name ? ` "${hook.name}"` : ''} (${where})`;
  }

  private seen(timestamp: Timestamp): void {
    const ms = toMs(timestamp);
    this.firstMs = this.firstMs === undefined ? ms : Math.min(this.firstMs, ms);
    this.lastMs = this.lastMs === undefined ? ms : Math.max(this.lastMs, ms);
  }
}

function hookKind(hook: Hook): string {
  const type = String(hook.type ?? '');
  if (type.startsWith('BEFORE')) return 'Before hook';
  if (type.startsWith('AFTER')) return 'After hook';
  return 'hook';
}

function decisiveStep(
  steps: readonly TestStepFinished[],
): { status: ScenarioStatus; step: TestStepFinished } | undefined {
  for (const [raw, status] of STEP_PRECEDENCE) {
    const step = steps.find((s) => String(s.testStepResult.status) === raw);
    if (step) return { status, step };
  }
  return undefined;
}

function errorText(step: TestStepFinished, status: ScenarioStatus, stepText: string): string {
  const { exception, message } = step.testStepResult;
  const raw = message ?? (exception ? `${exception.type}: ${exception.message ?? ''}` : '');
  const fallback =
    status === 'undefined'
      ? `Undefined step: "${stepText}". Define it under steps/.`
      : `${status} at "${stepText}"`;
  const text = stripAnsi(raw).trim() || fallback;
  return text.length > MAX_ERROR_CHARS
    ? `${text.slice(0, MAX_ERROR_CHARS)}\n… (${text.length - MAX_ERROR_CHARS} more characters in reports/cucumber.html)`
    : text;
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
}

function toMs(timestamp: Timestamp): number {
  return timestamp.seconds * 1000 + timestamp.nanos / 1e6;
}
