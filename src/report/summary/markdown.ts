/**
 * summary.md: the same summary as GitHub-flavoured Markdown, fit for a CI job summary
 * ($GITHUB_STEP_SUMMARY) or a PR comment. Bounded to stay well under GitHub's 65,536-character
 * comment limit: at most MAX_LISTED_FAILURES failures, each error cut to MAX_ERROR_LINES lines.
 */
import { mdCode, mdFence, mdTable, mdText } from '../escape';
import {
  formatDuration,
  SCENARIO_STATUSES,
  type CapabilityRow,
  type RunSummary,
  type ScenarioResult,
  type ScenarioStatus,
} from './model';

const MAX_LISTED_FAILURES = 25;
const MAX_ERROR_LINES = 25;
const MAX_ERROR_LINE_CHARS = 300;

const STATUS_ICON: Record<ScenarioStatus, string> = {
  passed: '✅',
  failed: '❌',
  pending: '⏸️',
  undefined: '❓',
  skipped: '⏭️',
};

/** The whole document. */
export function renderSummaryMarkdown(summary: RunSummary): string {
  const parts = [headline(summary), capabilityTable(summary), failures(summary.failures)];
  return `${parts.join('\n\n')}\n`;
}

function headline(summary: RunSummary): string {
  const { total } = summary;
  const failing = summary.failures.length;
  const title =
    total.scenarios === 0
      ? '⚠️ tidal-uat: no scenarios ran'
      : failing === 0
        ? `✅ tidal-uat: all ${total.scenarios} scenarios passed`
        : `❌ tidal-uat: ${failing} of ${total.scenarios} scenarios failing`;
  const meta = [
    `took ${formatDuration(summary.runDurationMs)}`,
    summary.cucumberVersion ? `Cucumber ${mdText(summary.cucumberVersion)}` : '',
  ];
  return `## ${title}\n\n${meta.filter(Boolean).join(' · ')}`;
}

function capabilityTable(summary: RunSummary): string {
  const headers = [
    'capability',
    'scenarios',
    ...SCENARIO_STATUSES.map((s) => `${STATUS_ICON[s]} ${s}`),
    'duration',
  ];
  const row = (r: CapabilityRow, bold: boolean): string[] => {
    const cells = [
      String(r.scenarios),
      ...SCENARIO_STATUSES.map((s) => String(r.counts[s])),
      formatDuration(r.durationMs),
    ];
    return bold
      ? [`**${mdText(r.capability)}**`, ...cells.map((c) => `**${c}**`)]
      : [mdCode(r.capability), ...cells];
  };
  const rows = [...summary.capabilities.map((r) => row(r, false)), row(summary.total, true)];
  return `### Capabilities\n\n${mdTable(headers, rows, [false, ...headers.slice(1).map(() => true)])}`;
}

function failures(list: ScenarioResult[]): string {
  if (list.length === 0) return '### Failing scenarios\n\nNone.';
  const shown = list.slice(0, MAX_LISTED_FAILURES).map(failure);
  const more =
    list.length > shown.length ? [`…and ${list.length - shown.length} more: see summary.html.`] : [];
  return [`### Failing scenarios (${list.length})`, ...shown, ...more].join('\n\n');
}

function failure(s: ScenarioResult): string {
  const replay = s.seed ? s.seed.replay : `npx cucumber-js ${s.uri}:${s.line}`;
  const lines = [
    `#### ${STATUS_ICON[s.status]} ${mdText(s.name)}`,
    '',
    `- capability: ${mdCode(s.capability)}`,
    `- location: ${mdCode(`${s.uri}:${s.line}`)}`,
    `- step: ${mdText(s.failedStep ?? '')}`,
    `- seed: ${s.seed ? mdCode(String(s.seed.seed)) : 'none attached'}`,
    ...(s.attempts > 1 ? [`- attempts: ${s.attempts}`] : []),
    '',
    s.seed ? 'Replay:' : 'Rerun:',
    '',
    mdFence(replay, 'sh'),
    '',
    mdFence(clip(s.error ?? '')),
  ];
  return lines.join('\n');
}

function clip(text: string): string {
  const lines = text.split('\n');
  const kept = lines
    .slice(0, MAX_ERROR_LINES)
    .map((l) => (l.length > MAX_ERROR_LINE_CHARS ? `${l.slice(0, MAX_ERROR_LINE_CHARS)}…` : l));
  if (lines.length > kept.length)
    kept.push(`… ${lines.length - kept.length} more lines in reports/cucumber.html`);
  return kept.join('\n');
}
