/**
 * What the browser test expects to find in the reports, read from the run's own message stream
 * (reports/messages.ndjson): a step text of a scenario that ran, and whether any scenario attached
 * an SVG chart. So the test checks the pages against the run, not against a hard-coded feature.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Envelope } from '@cucumber/messages';
import { TIMELINE_FILE_NAME } from '../src/report/attachments';

export { TIMELINE_FILE_NAME };

export interface ReportFacts {
  /** Text of the first step of the first scenario that ran, e.g. "region eu-west is partitioned". */
  stepText: string | undefined;
  /** Number of image/svg+xml attachments (the lag charts). */
  svgAttachments: number;
  /** Number of scenario timelines attached (file TIMELINE_FILE_NAME). */
  timelines: number;
}

/** Facts from an NDJSON message file; a missing file gives no facts rather than an error. */
export function readReportFacts(messagesPath: string): ReportFacts {
  if (!existsSync(messagesPath)) return { stepText: undefined, svgAttachments: 0, timelines: 0 };
  const ranPickles = new Set<string>();
  const testCasePickle = new Map<string, string>();
  const pickleSteps = new Map<string, string[]>();
  let svgAttachments = 0;
  let timelines = 0;
  for (const line of readFileSync(messagesPath, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const envelope = JSON.parse(line) as Envelope;
    if (envelope.pickle)
      pickleSteps.set(
        envelope.pickle.id,
        envelope.pickle.steps.map((s) => s.text),
      );
    if (envelope.testCase) testCasePickle.set(envelope.testCase.id, envelope.testCase.pickleId);
    if (envelope.testCaseStarted)
      ranPickles.add(testCasePickle.get(envelope.testCaseStarted.testCaseId) ?? '');
    if (envelope.attachment?.mediaType === 'image/svg+xml') svgAttachments += 1;
    if (envelope.attachment?.fileName === TIMELINE_FILE_NAME) timelines += 1;
  }
  const stepText = [...ranPickles].map((id) => pickleSteps.get(id)?.[0]).find((text) => text !== undefined);
  return { stepText, svgAttachments, timelines };
}
