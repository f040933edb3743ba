/**
 * The attachments of a Cucumber run, scenario by scenario, read from its message stream, and the
 * comparison of two runs of the same seed: every attachment must come back byte for byte, in the
 * same place, except those a caller names as allowed to differ (the wall-clock measurements),
 * which must still be there in both runs. Scenarios are keyed by feature file and line (of the
 * scenario, or of the example row), as in a replay command, so message ids never matter.
 */
import type { Envelope } from '@cucumber/messages';

export interface RunAttachment {
  fileName: string | undefined;
  mediaType: string;
  contentEncoding: string;
  body: string;
}

export interface ScenarioRecord {
  /** `features/x.feature:12`. */
  key: string;
  name: string;
  /** The worst status among its steps and hooks (PASSED, FAILED…). */
  status: string;
  attachments: RunAttachment[];
}

/** The scenarios of one run in the order they ran, keyed by `uri:line`. */
export function scenariosOfRun(envelopes: readonly Envelope[]): Map<string, ScenarioRecord> {
  const pickles = new Map<string, { key: string; name: string }>();
  const pickleOfTestCase = new Map<string, string>();
  const started = new Map<string, ScenarioRecord>();
  const scenarios = new Map<string, ScenarioRecord>();
  for (const e of envelopes) {
    if (e.pickle) {
      const line = e.pickle.location?.line ?? 0;
      pickles.set(e.pickle.id, { key: `${e.pickle.uri}:${line}`, name: e.pickle.name });
    } else if (e.testCase) {
      pickleOfTestCase.set(e.testCase.id, e.testCase.pickleId);
    } else if (e.testCaseStarted) {
      const pickle = pickles.get(pickleOfTestCase.get(e.testCaseStarted.testCaseId) ?? '');
      if (!pickle) throw new Error(`test case ${e.testCaseStarted.testCaseId} started without its pickle`);
      // A retried scenario's last attempt is the one that counts.
      const record: ScenarioRecord = { ...pickle, status: 'PASSED', attachments: [] };
      started.set(e.testCaseStarted.id, record);
      scenarios.set(pickle.key, record);
    } else if (e.testStepFinished) {
      const record = started.get(e.testStepFinished.testCaseStartedId);
      const status = e.testStepFinished.testStepResult.status;
      if (record && STATUS_RANK.indexOf(status) > STATUS_RANK.indexOf(record.status)) record.status = status;
    } else if (e.attachment) {
      const record = started.get(e.attachment.testCaseStartedId ?? '');
      if (!record) continue; // an attachment outside any scenario (a test run hook) is not a scenario's
      const { fileName, mediaType, contentEncoding, body } = e.attachment;
      record.attachments.push({ fileName, mediaType, contentEncoding, body });
    }
  }
  return scenarios;
}

const STATUS_RANK = ['PASSED', 'SKIPPED', 'PENDING', 'UNDEFINED', 'AMBIGUOUS', 'FAILED', 'UNKNOWN'];

export interface RunComparison {
  /** Attachments found byte-identical in both runs. */
  identical: number;
  /** Attachments allowed to differ that were found in both runs (their bodies not compared). */
  allowedToDiffer: number;
  /** One line per difference, naming the scenario and the attachment. */
  differences: string[];
}

/**
 * Compares two runs of the same scenarios, attachment by attachment. `mayDiffer` names the
 * attachments (by file name) whose bodies are not compared.
 */
export function compareRuns(
  first: Map<string, ScenarioRecord>,
  second: Map<string, ScenarioRecord>,
  mayDiffer: ReadonlySet<string>,
): RunComparison {
  const out: RunComparison = { identical: 0, allowedToDiffer: 0, differences: [] };
  for (const key of second.keys())
    if (!first.has(key)) out.differences.push(`${key}: ran only in the second run`);
  for (const [key, a] of first) {
    const b = second.get(key);
    const where = `${key} "${a.name}"`;
    if (!b) {
      out.differences.push(`${where}: ran only in the first run`);
      continue;
    }
    if (a.status !== b.status) out.differences.push(`${where}: ${a.status} in run 1, ${b.status} in run 2`);
    const count = Math.max(a.attachments.length, b.attachments.length);
    for (let i = 0; i < count; i++) {
      const x = a.attachments[i];
      const y = b.attachments[i];
      const what = `${where}: attachment ${i + 1} (${describeAttachment(x ?? y!)})`;
      if (!x || !y) {
        out.differences.push(`${what} is missing in run ${x ? 2 : 1}`);
      } else if (x.fileName !== y.fileName || x.mediaType !== y.mediaType) {
        out.differences.push(`${what} is ${describeAttachment(y)} in run 2`);
      } else if (x.fileName !== undefined && mayDiffer.has(x.fileName)) {
        out.allowedToDiffer++;
      } else if (x.body !== y.body || x.contentEncoding !== y.contentEncoding) {
        out.differences.push(`${what} differs: ${firstDifference(decoded(x), decoded(y))}`);
      } else {
        out.identical++;
      }
    }
  }
  return out;
}

function describeAttachment(a: RunAttachment): string {
  return `${a.fileName ?? 'unnamed'}, ${a.mediaType}`;
}

/** The body as text: a BASE64 attachment (an SVG chart) is compared by its decoded text. */
function decoded(a: RunAttachment): string {
  return a.contentEncoding === 'BASE64' ? Buffer.from(a.body, 'base64').toString('utf8') : a.body;
}

/** Where two texts first differ, with a little context from each, quoted as JSON strings. */
export function firstDifference(x: string, y: string, contextChars = 40): string {
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  const line = x.slice(0, i).split('\n').length;
  const from = Math.max(0, i - contextChars);
  const excerpt = (s: string): string => JSON.stringify(s.slice(from, i + contextChars));
  return `from character ${i} (line ${line}): run 1 ${excerpt(x)}, run 2 ${excerpt(y)}`;
}
