/**
 * Builds the RunSummary from Cucumber's message stream (envelopes) with @cucumber/query, the index
 * Cucumber's own formatters read. Every envelope goes into a Query; when a scenario's last attempt
 * finishes, the Query gives its pickle, lineage (feature tags, line), most severe step result,
 * steps and their attachments (the seed). Kept here, because Query does not: the results taken so
 * far, and the time and count of retried attempts (Query leaves those out of its answers), since a
 * retried scenario counts once, with the outcome of its last attempt and the time of all.
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
  type Timestamp,
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

/**
 * A scenario's status from its most severe step result (Query ranks FAILED over AMBIGUOUS over
 * UNDEFINED, PENDING, SKIPPED, PASSED, UNKNOWN). Anything not listed here counts as passed.
 */
const SCENARIO_STATUS_OF: Readonly<Record<string, ScenarioStatus>> = {
  FAILED: 'failed',
  AMBIGUOUS: 'failed',
  UNDEFINED: 'undefined',
  PENDING: 'pending',
  SKIPPED: 'skipped',
};

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

  /** Feed every envelope, in stream order. */
  add(envelope: Envelope): void {
    this.query.update(envelope);
    if (envelope.testCaseFinished) this.finishAttempt(envelope.testCaseFinished);
  }

  /** The summary of everything seen so far. */
  summary(): RunSummary {
    const scenarios = [...this.results].sort((a, b) => a.uri.localeCompare(b.uri) || a.line - b.line);
    const { rows, total } = tallyCapabilities(scenarios);
    const failures = scenarios.filter((s) => FAILING_STATUSES.includes(s.status));
    const { firstMs, lastMs } = this.runSpan();
    return {
      capabilities: rows,
      total,
      scenarios,
      failures,
      runDurationMs: firstMs === undefined || lastMs === undefined ? total.durationMs : lastMs - firstMs,
      success: this.query.findTestRunFinished()?.success ?? failures.length === 0,
      startedAt: firstMs === undefined ? undefined : new Date(firstMs).toISOString(),
      cucumberVersion: this.query.findMeta()?.implementation.version,
    };
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
    const severest = this.query.findMostSevereTestStepResultBy(started)?.status;
    const status = (severest && SCENARIO_STATUS_OF[severest]) ?? 'passed';
    const result: ScenarioResult = {
      name: pickle.name,
      uri: pickle.uri,
      line: pickle.location?.line ?? this.query.findLocationOf(pickle)?.line ?? 0,
      capability: capabilityOf(
        this.query.findLineageBy(pickle)?.feature?.tags.map((t) => t.name) ?? [],
        pickle.uri,
      ),
      status,
      durationMs: carry.durationMs,
      attempts: carry.attempts,
      seed: this.seedOf(steps.map(([stepFinished]) => stepFinished)),
    };
    // The first step with the most severe result decides: the failing step, not a later After hook.
    const decisive =
      status === 'passed' ? undefined : steps.find(([f]) => f.testStepResult.status === severest);
    if (decisive) {
      const [stepFinished, testStep] = decisive;
      result.failedStep = this.stepText(testStep);
      result.error = errorText(stepFinished, status, result.failedStep);
    }
    return result;
  }

  /** The first seed attachment of the attempt: the seed the scenario started with. */
  private seedOf(steps: readonly TestStepFinished[]): SeedInfo | undefined {
    for (const attachment of steps.flatMap((step) => this.query.findAttachmentsBy(step))) {
      if (attachment.mediaType !== SEED_MEDIA_TYPE) continue;
      const seed = parseSeedAttachment(bodyText(attachment));
      if (seed) return seed;
    }
    return undefined;
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
  const text = stripAnsi(raw).trim() || fallback;
  return text.length > MAX_ERROR_CHARS
    ? `${text.slice(0, MAX_ERROR_CHARS)}\n… (${text.length - MAX_ERROR_CHARS} more characters in reports/cucumber.html)`
    : text;
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
}
