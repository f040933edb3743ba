/**
 * summary.md: the sign-off page as GitHub-flavoured Markdown, fit for a CI job summary
 * ($GITHUB_STEP_SUMMARY) or a PR comment, and compact: headline, run errors, system under test,
 * commit and selection, the promises, the capabilities (with their last runs), failures, known
 * limits. Bounded to stay well under GitHub's 65,536-character comment limit: at most
 * MAX_LISTED_FAILURES failures, each error cut to MAX_ERROR_LINES lines.
 */
import { mdCode, mdFence, mdTable, mdText } from '../escape';
import { describeCounts, formatDuration, type ScenarioResult, type ScenarioStatus } from './model';
import { plural, promiseText, systemText, type CapabilityNode, type HeadlineClass } from './signoff';
import { trend, type TrendCell } from './history';
import type { SummaryView } from './view';
import { flakyNote } from './words';

const MAX_LISTED_FAILURES = 25;
const MAX_ERROR_LINES = 25;
const MAX_ERROR_LINE_CHARS = 300;
/** Runs the Markdown trend shows (the HTML page shows TREND_RUNS). */
const MD_TREND_RUNS = 10;

const STATUS_ICON: Record<ScenarioStatus, string> = {
  passed: '✅',
  failed: '❌',
  ambiguous: '🔀',
  pending: '⏸️',
  undefined: '❓',
  skipped: '⏭️',
  unknown: '❔',
  empty: '⬜',
};

const HEADLINE_ICON: Record<HeadlineClass, string> = { passed: '✅', failed: '❌', 'nothing-checked': '⚠️' };

const TREND_ICON: Record<TrendCell['status'], string> = {
  passed: '🟩',
  failed: '🟥',
  ambiguous: '🟥',
  undefined: '🟧',
  pending: '🟨',
  skipped: '⬜',
  unknown: '⬜',
  empty: '⬜',
  absent: '▫️',
};

/** The whole document. */
export function renderSummaryMarkdown(view: SummaryView): string {
  const parts = [
    headline(view),
    promises(view),
    capabilityTable('Capabilities', view.page.product, view),
    failures(view.summary.failures),
    knownLimits(view),
    capabilityTable('Technical (counted apart)', view.page.technical, view),
  ].filter((p) => p !== '');
  return `${parts.join('\n\n')}\n`;
}

function headline(view: SummaryView): string {
  const { summary, page } = view;
  const icon = page.headline.partial ? '☑️' : HEADLINE_ICON[page.headline.cls];
  const errors = summary.runErrors.map(
    (e) => `> **${e.kind}**${e.where ? ` at ${mdCode(e.where)}` : ''}: ${mdText(e.message.split('\n')[0])}`,
  );
  const lines = [
    `## ${icon} tidal-uat: ${mdText(page.headline.text)}`,
    '',
    ...(errors.length ? [...errors, ''] : []),
    `- system under test: ${mdText(systemText(page.system))}`,
    `- suite commit: ${mdCode(page.suiteCommit)}${page.suiteDirty ? ' (with uncommitted changes)' : ''} · ${mdText(page.date)} · took ${formatDuration(summary.runDurationMs)}${summary.cucumberVersion ? ` · Cucumber ${mdText(summary.cucumberVersion)}` : ''}`,
    `- selection: ${mdText(page.selectionText)}`,
  ];
  return lines.join('\n');
}

function promises(view: SummaryView): string {
  const rows = view.page.promises;
  if (rows.length === 0) return '### Promises\n\nNo promise was checked: no scenario built a cluster.';
  const icon = { held: '✅', broken: '❌', 'partly-checked': '◐', 'not-checked': '⚪' } as const;
  const table = mdTable(
    ['verdict', 'checker', 'promise'],
    rows.map((r) => {
      const flaky = view.flaky.get(r.checker);
      const where = r.broken.length
        ? `: ${r.broken
            .slice(0, 5)
            .map((s) => mdText(s.name))
            .join('; ')}`
        : '';
      return [
        `${icon[r.status]} ${promiseText(r)}${where}${flaky ? ` · ⚠️ flaky: ${mdText(flakyNote(flaky))}` : ''}`,
        mdCode(r.checker),
        mdText(r.promise),
      ];
    }),
  );
  return `### Promises\n\n${table}`;
}

function capabilityTable(title: string, nodes: readonly CapabilityNode[], view: SummaryView): string {
  if (nodes.length === 0) return '';
  const rows = nodes.map((c) => {
    const total = Object.values(c.counts).reduce((a, b) => a + b, 0);
    const rest = describeCounts({ ...c.counts, passed: 0 });
    const strip = trend(view.runs, c.name)
      .slice(-MD_TREND_RUNS)
      .map((cell) => TREND_ICON[cell.status])
      .join('');
    return [
      mdCode(c.name),
      `${STATUS_ICON[c.status]} ${c.status}`,
      `${c.counts.passed} of ${total}`,
      rest === 'none' ? '' : rest,
      formatDuration(c.durationMs),
      strip,
    ];
  });
  const table = mdTable(['capability', 'status', 'passed', 'not passed', 'duration', 'last runs'], rows, [
    false,
    false,
    true,
    false,
    true,
    false,
  ]);
  return `### ${title}\n\n${table}`;
}

function knownLimits(view: SummaryView): string {
  const limits = view.page.knownLimits;
  if (limits.length === 0) return '';
  const items = limits.map(
    (s) =>
      `- ${STATUS_ICON[s.status]} ${mdText(s.name)} (${mdCode(s.capability)}, ${mdText(s.rule ?? s.feature)})`,
  );
  return `### Known limits (${plural(limits.length, 'example')})\n\nEach passing example shows a documented limit exactly as documented: sign it off knowingly.\n\n${items.join('\n')}`;
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
    `- promise: ${mdText(s.feature)}${s.rule ? ` · ${mdText(s.rule)}` : ''}`,
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
