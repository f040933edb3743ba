/**
 * Builds the RunSummary from Cucumber's message stream (envelopes) with @cucumber/query, the index
 * Cucumber's own formatters read. Every envelope goes into a Query; when a scenario's last attempt
 * finishes, the Query gives its pickle, lineage (feature, rule, tags, line), step results and
 * their attachments (seed, promise verdict, system under test). Kept here, because Query does
 * not: the results taken so far, and the time and count of retried attempts (Query leaves those
 * out of its answers), since a retried scenario counts once, with the outcome of its last attempt
 * and the time of all. Errors outside scenarios (BeforeAll/AfterAll hooks, the run itself) come
 * from testRunHookFinished and testRunFinished.
 */
import { Query } from '@cucumber/query';
import {
  TimeConversion,
  type Attachment,
  type Envelope,
  type Hook,
  type Pickle,
  type TestCaseStarted,
  type TestCaseFinished,
  type TestStep,
  type TestStepFinished,
  type TestRunFinished,
  type TestRunHookFinished,
  type Timestamp,
} from '@cucumber/messages';
import { parseSeedAttachment, SEED_MEDIA_TYPE } from '../seed';
import {
  parsePromisesVerdict,
  parseSystemUnderTest,
  PROMISES_MEDIA_TYPE,
  SYSTEM_MEDIA_TYPE,
} from '../verdicts';
import {
  capabilityOf,
  FAILING_STATUSES,
  KNOWN_LIMIT_TAG,
  SCENARIO_STATUSES,
  tallyCapabilities,
  TECHNICAL_TAG,
  type RunError,
  type RunSummary,
  type ScenarioResult,
  type ScenarioStatus,
} from './model';

/** Bound on one error text kept for the summary: enough for a message and a useful stack. */
const MAX_ERROR_CHARS = 8000;

/** Bound on the run-level errors kept (a run has at most a handful of BeforeAll/AfterAll hooks). */
const MAX_RUN_ERRORS = 50;

/** A step result's status word; a status this code does not know reads as `unknown`, never `passed`. */
function statusOf(stepStatus: string): ScenarioStatus {
  const word = stepStatus.toLowerCase() as ScenarioStatus;
  return SCENARIO_STATUSES.includes(word) && word !== 'empty' ? word : 'unknown';
}

interface Carry {
  durationMs: number;
  attempts: number;
}

export class SummaryCollector {
  private readonly query = new Query();
  /**
   * Time and number of the attempts so far, by pickle id, until the last attempt finishes: Query
   * leaves retried attempts out of its answers, but their time counts.
   */
  private readonly carried = new Map<string, Carry>();
  private readonly results: ScenarioResult[] = [];
  private readonly runErrors: RunError[] = [];
  /** Pickles Cucumber made a test case of: the selected ones (it emits a pickle for every scenario). */
  private readonly selectedPickles = new Set<string>();

  /** Feed every envelope, in stream order. */
  add(envelope: Envelope): void {
    this.query.update(envelope);
    if (envelope.testCase) this.selectedPickles.add(envelope.testCase.pickleId);
    if (envelope.testCaseFinished) this.finishAttempt(envelope.testCaseFinished);
    if (envelope.testRunHookFinished) this.finishRunHook(envelope.testRunHookFinished);
    if (envelope.testRunFinished) this.finishRun(envelope.testRunFinished);
  }

  /** The summary of everything seen so far. */
  summary(): RunSummary {
    const scenarios = [...this.results].sort((a, b) => a.uri.localeCompare(b.uri) || a.line - b.line);
    const { rows, total } = tallyCapabilities(scenarios);
    const failures = scenarios.filter((s) => FAILING_STATUSES.includes(s.status));
    const { firstMs, lastMs } = this.runSpan();
    const finished = this.query.findTestRunFinished();
    const runErrors = [...this.runErrors];
    const hookFailed = runErrors.some((e) => e.kind === 'before-all' || e.kind === 'run');
    if (finished && scenarios.length === 0 && !hookFailed)
      runErrors.push({ kind: 'nothing-selected', message: 'no scenario was selected: nothing was checked' });
    const startedAt = firstMs === undefined ? undefined : new Date(firstMs).toISOString();
    return {
      capabilities: rows,
      total,
      scenarios,
      failures,
      runErrors,
      runDurationMs: firstMs === undefined || lastMs === undefined ? total.durationMs : lastMs - firstMs,
      success: finished?.success ?? (failures.length === 0 && runErrors.length === 0),
      finished: finished !== undefined,
      startedAt,
      runId: this.query.findTestRunStarted()?.id ?? startedAt ?? 'unknown',
      cucumberVersion: this.query.findMeta()?.implementation.version,
      leftOut: this.query
        .findAllPickles()
        .filter((p) => !this.selectedPickles.has(p.id))
        .map((p) => ({ tags: p.tags.map((t) => t.name) })),
    };
  }

  /** A BeforeAll or AfterAll hook that did not pass is an error of the whole run. */
  private finishRunHook(finished: TestRunHookFinished): void {
    const status = String(finished.result.status);
    if (status === 'PASSED' || status === 'SKIPPED' || this.runErrors.length >= MAX_RUN_ERRORS) return;
    const hook = this.query.findHookBy(finished);
    const type = String(hook?.type ?? '');
    const where = hook
      ? `${hook.sourceReference.uri ?? '?'}:${hook.sourceReference.location?.line ?? '?'}`
      : undefined;
    const { exception, message } = finished.result;
    const text = message ?? (exception ? `${exception.type}: ${exception.message ?? ''}` : '');
    this.runErrors.push({
      kind: type === 'AFTER_TEST_RUN' ? 'after-all' : 'before-all',
      where: hook?.name ? `"${hook.name}" ${where ?? ''}`.trim() : where,
      message: clipText(stripAnsi(text).trim() || `the hook ended ${status.toLowerCase()}`),
    });
  }

  /** An exception of the run itself (not of a hook or a scenario), as testRunFinished reports it. */
  private finishRun(finished: TestRunFinished): void {
    const { exception, message } = finished;
    if (!exception && !message) return;
    const text = exception ? `${exception.type}: ${exception.message ?? ''}` : (message ?? '');
    this.runErrors.push({ kind: 'run', message: clipText(stripAnsi(message ?? text).trim()) });
  }

  /**
   * Each attempt adds its time to its pickle's carry; the last one (not to be retried) turns the
   * carry into the scenario's result, read from what Query holds at that moment.
   */
  private finishAttempt(finished: TestCaseFinished): void {
    const started = this.query.findTestCaseStartedBy(finished);
    const pickle = started && this.query.findTestCaseBy(started) && this.query.findPickleBy(started);
    if (!started || !pickle) return; // a message stream without its prologue: nothing to report
    const carry = this.carried.get(pickle.id) ?? { durationMs: 0, attempts: 0 };
    const duration = this.query.findTestCaseDurationBy(finished);
    carry.durationMs += duration ? Math.max(0, TimeConversion.durationToMilliseconds(duration)) : 0;
    carry.attempts += 1;
    if (finished.willBeRetried) {
      this.carried.set(pickle.id, carry);
      return;
    }
    this.carried.delete(pickle.id);
    this.results.push(this.result(started, pickle, carry));
  }

  private result(started: TestCaseStarted, pickle: Pickle, carry: Carry): ScenarioResult {
    const steps = this.query.findTestStepFinishedAndTestStepBy(started);
    const testCase = this.query.findTestCaseBy(started);
    const planned = testCase?.testSteps.length ?? 0;
    // Our own ranking of the step results (model.ts), so the CCK test's use of Query is a second opinion.
    const statuses = steps.map(([f]) => statusOf(String(f.testStepResult.status)));
    if (steps.length < planned) statuses.push('unknown'); // a step that never reported
    const status =
      planned === 0
        ? 'empty'
        : statuses.reduce<ScenarioStatus>(
            (worst, s) => (SCENARIO_STATUSES.indexOf(s) < SCENARIO_STATUSES.indexOf(worst) ? s : worst),
            'passed',
          );
    const lineage = this.query.findLineageBy(pickle);
    const featureTags = lineage?.feature?.tags.map((t) => t.name) ?? [];
    const ruleTags = lineage?.rule?.tags.map((t) => t.name) ?? [];
    const pickleTags = pickle.tags.map((t) => t.name);
    const attachments = steps.flatMap(([stepFinished]) => this.query.findAttachmentsBy(stepFinished));
    const result: ScenarioResult = {
      name: pickle.name,
      uri: pickle.uri,
      line: pickle.location?.line ?? this.query.findLocationOf(pickle)?.line ?? 0,
      capability: capabilityOf(featureTags, pickle.uri),
      feature: lineage?.feature?.name.trim() || pickle.uri,
      rule: lineage?.rule?.name.trim() || undefined,
      tags: pickleTags,
      featureTags,
      ruleTags: [...featureTags, ...ruleTags],
      technical: [...featureTags, ...ruleTags].includes(TECHNICAL_TAG),
      knownLimit: pickleTags.includes(KNOWN_LIMIT_TAG),
      description: lineage?.scenario?.description.trim() || undefined,
      status,
      durationMs: carry.durationMs,
      attempts: carry.attempts,
      seed: firstParsed(attachments, SEED_MEDIA_TYPE, parseSeedAttachment),
      promises: firstParsed(attachments, PROMISES_MEDIA_TYPE, parsePromisesVerdict)?.promises,
      system: firstParsed(attachments, SYSTEM_MEDIA_TYPE, parseSystemUnderTest),
    };
    // The first step with the most severe result decides: the failing step, not a later After hook.
    const decisive = ['passed', 'empty'].includes(status)
      ? undefined
      : steps.find(([f]) => statusOf(String(f.testStepResult.status)) === status);
    if (decisive) {
      const [stepFinished, testStep] = decisive;
      result.failedStep = this.stepText(testStep);
      result.error = errorText(stepFinished, status, result.failedStep);
    } else if (status === 'unknown') {
      result.error = `${planned - steps.length} of ${planned} steps reported no outcome`;
    }
    return result;
  }

  private stepText(testStep: TestStep): string {
    const pickleStep = this.query.findPickleStepBy(testStep);
    if (pickleStep) return pickleStep.text;
    const hook = this.query.findHookBy(testStep);
    if (!hook) return 'a hook';
    const where = `${hook.sourceReference.uri ?? '?'}:${hook.sourceReference.location?.line ?? '?'}`;
    return `${hookKind(hook)}${hook.name ? ` "${hook.name}"` : ''} (${where})`;
  }

  /**
   * Wall clock of the run: testRunStarted to testRunFinished. While the run is cut short (no
   * testRunFinished yet), it ends at the latest scenario start or finish seen.
   */
  private runSpan(): { firstMs?: number; lastMs?: number } {
    const started = this.query.findAllTestCaseStarted(); // ordered by time
    const runStarted = this.query.findTestRunStarted()?.timestamp ?? started[0]?.timestamp;
    const runFinished = this.query.findTestRunFinished()?.timestamp;
    const latest = runFinished
      ? [runFinished]
      : [runStarted, started.at(-1)?.timestamp, this.query.findAllTestCaseFinished().at(-1)?.timestamp];
    const latestMs = latest.map(toMs).filter((ms) => ms !== undefined);
    return { firstMs: toMs(runStarted), lastMs: latestMs.length ? Math.max(...latestMs) : undefined };
  }
}

/** The first attachment of a media type that follows its contract (the seed the scenario started with). */
function firstParsed<T>(
  attachments: readonly Attachment[],
  mediaType: string,
  parse: (body: string) => T | undefined,
): T | undefined {
  for (const attachment of attachments) {
    if (attachment.mediaType !== mediaType) continue;
    const value = parse(bodyText(attachment));
    if (value) return value;
  }
  return undefined;
}

function toMs(timestamp: Timestamp | undefined): number | undefined {
  return timestamp && TimeConversion.timestampToMillisecondsSinceEpoch(timestamp);
}

function bodyText(attachment: Attachment): string {
  return String(attachment.contentEncoding) === 'BASE64'
    ? Buffer.from(attachment.body, 'base64').toString('utf8')
    : attachment.body;
}

function hookKind(hook: Hook): string {
  const type = String(hook.type ?? '');
  if (type.startsWith('BEFORE')) return 'Before hook';
  if (type.startsWith('AFTER')) return 'After hook';
  return 'hook';
}

function errorText(step: TestStepFinished, status: ScenarioStatus, stepText: string): string {
  const { exception, message } = step.testStepResult;
  const raw = message ?? (exception ? `${exception.type}: ${exception.message ?? ''}` : '');
  const fallback =
    status === 'undefined'
      ? `Undefined step: "${stepText}". Define it under steps/.`
      : `${status} at "${stepText}"`;
  return clipText(stripAnsi(raw).trim() || fallback);
}

function clipText(text: string): string {
  return text.length > MAX_ERROR_CHARS
    ? `${text.slice(0, MAX_ERROR_CHARS)}\n… (${text.length - MAX_ERROR_CHARS} more characters in reports/cucumber.html)`
    : text;
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
}
