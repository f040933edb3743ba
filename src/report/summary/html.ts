/**
 * summary.html: the sign-off page a product owner opens. A headline that never says "passed" for
 * what did not run, errors of the run itself, the system under test, the suite's commit and the
 * selection; the promises checked after every scenario; the capabilities with their trend over
 * the last runs; the specification as capability → feature promise → rule → examples; known
 * limits; the @technical features apart; failing scenarios with seed and replay command.
 * Self-contained (inline CSS, no script, nothing fetched) and every embedded string escaped.
 */
import { escapeHtml as h } from '../escape';
import {
  formatDuration,
  SCENARIO_STATUSES,
  STATUS_MEANING,
  type RunError,
  type ScenarioResult,
} from './model';
import { systemText } from './signoff';
import {
  capabilityTable,
  knownLimitsSection,
  promisesSection,
  specificationTree,
  tag,
  technicalSection,
} from './html-parts';
import type { SummaryView } from './view';

/** The whole page. */
export function renderSummaryHtml(view: SummaryView): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tidal-uat: sign-off</title>
<style>${STYLE}</style>
</head>
<body>
${headlineHeader(view)}
<main>
${facts(view)}
${promisesSection(view)}
<section id="product">
<h2>Capabilities</h2>
${capabilityTable(view.page.product, view.runs, 'capabilities')}
<h3>Feature promises and rules</h3>
${specificationTree(view.page.product)}
</section>
${failures(view.summary.failures)}
${knownLimitsSection(view)}
${technicalSection(view)}
${allScenarios(view.summary.scenarios)}
${historyNotes(view)}
</main>
<footer>Built from Cucumber's message stream. Every step, attachment and log: <a href="cucumber.html">cucumber.html</a> (links open it filtered by the tags of the capability, feature, rule or scenario).</footer>
</body>
</html>
`;
}

const RUN_ERROR_TITLE: Record<RunError['kind'], string> = {
  'before-all': 'BeforeAll hook failed',
  'after-all': 'AfterAll hook failed',
  run: 'The run failed',
  'nothing-selected': 'No scenario selected',
};

function headlineHeader(view: SummaryView): string {
  const { summary, page } = view;
  const { cls, partial, text } = page.headline;
  const meta = [
    summary.startedAt ? `started ${h(summary.startedAt)}` : '',
    `took ${formatDuration(summary.runDurationMs)}`,
    summary.cucumberVersion ? `Cucumber ${h(summary.cucumberVersion)}` : '',
    `Cucumber says: ${summary.success ? 'success' : 'failure'}`,
  ].filter(Boolean);
  const errors = summary.runErrors.map(
    (e) =>
      `<li class="run-error" data-kind="${e.kind}"><strong>${RUN_ERROR_TITLE[e.kind]}</strong>${e.where ? ` at <code>${h(e.where)}</code>` : ''}<pre>${h(e.message)}</pre></li>`,
  );
  return `<header id="headline" class="verdict ${cls}${partial ? ' partial' : ''}">
<h1>tidal-uat: multi-region replication sign-off</h1>
<p class="headline" id="verdict">${h(text)}</p>
${errors.length ? `<ul id="run-errors">${errors.join('\n')}</ul>` : ''}
<p class="meta">${meta.join(' · ')}</p>
</header>`;
}

function facts(view: SummaryView): string {
  const { page } = view;
  return `<section id="facts">
<dl>
<dt>system under test</dt><dd id="system-under-test" data-systems="${page.system.systems.length}">${h(systemText(page.system))}</dd>
<dt>suite commit</dt><dd id="suite-commit"><code>${h(page.suiteCommit)}</code>${page.suiteDirty ? ' <span class="dirty">with uncommitted changes</span>' : ''}</dd>
<dt>date</dt><dd id="run-date">${h(page.date)}</dd>
<dt>selection</dt><dd id="selection" data-kind="${page.selection.kind}">${h(page.selectionText)}</dd>
</dl>
</section>`;
}

function failures(list: ScenarioResult[]): string {
  if (list.length === 0)
    return `<section id="failures"><h2>Failing scenarios</h2><p class="none">No failing scenarios.</p></section>`;
  return `<section id="failures">
<h2>Failing scenarios (${list.length})</h2>
${list.map(failure).join('\n')}
</section>`;
}

function failure(s: ScenarioResult): string {
  const seed = s.seed
    ? `<dt>seed</dt><dd><code class="seed">${h(String(s.seed.seed))}</code></dd><dt>replay</dt><dd><code class="replay">${h(s.seed.replay)}</code></dd>`
    : `<dt>seed</dt><dd>none attached</dd><dt>rerun</dt><dd><code class="replay">${h(`npx cucumber-js ${s.uri}:${s.line}`)}</code></dd>`;
  return `<article class="failure ${s.status}">
<h3>${tag(s.status)} ${h(s.name)}</h3>
<dl>
<dt>capability</dt><dd>${h(s.capability)}</dd>
<dt>promise</dt><dd>${h(s.feature)}${s.rule ? ` · ${h(s.rule)}` : ''}</dd>
<dt>location</dt><dd><code>${h(`${s.uri}:${s.line}`)}</code></dd>
<dt>step</dt><dd>${h(s.failedStep ?? '')}</dd>
${seed}
${s.attempts > 1 ? `<dt>attempts</dt><dd>${s.attempts}</dd>` : ''}
</dl>
<pre class="error">${h(s.error ?? '')}</pre>
</article>`;
}

function allScenarios(list: ScenarioResult[]): string {
  const rows = list
    .map(
      (s) =>
        `<tr><td>${h(s.name)}</td><td>${h(s.capability)}</td><td>${tag(s.status)}</td><td class="num">${formatDuration(s.durationMs)}</td><td class="num">${s.seed ? h(String(s.seed.seed)) : ''}</td><td><code>${h(`${s.uri}:${s.line}`)}</code></td></tr>`,
    )
    .join('\n');
  return `<section id="scenarios">
<details>
<summary>All scenarios (${list.length})</summary>
<dl class="status-words">${SCENARIO_STATUSES.map((s) => `<dt>${tag(s)}</dt><dd>${h(STATUS_MEANING[s])}</dd>`).join('')}</dl>
<table>
<thead><tr><th>scenario</th><th>capability</th><th>status</th><th class="num">duration</th><th class="num">seed</th><th>location</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</details>
</section>`;
}

function historyNotes(view: SummaryView): string {
  const runs = view.runs.length;
  const notes = view.historyNotes.map((n) => `<li>${h(n)}</li>`).join('');
  return `<section id="history"><p>Trend over ${runs === 1 ? 'this run alone (no earlier run recorded)' : `the last ${runs} runs`}.</p>${notes ? `<ul class="history-notes">${notes}</ul>` : ''}</section>`;
}

const STYLE = `
:root { --passed: #2e7d32; --failed: #c62828; --ambiguous: #ad1457; --pending: #f9a825; --undefined: #ef6c00; --skipped: #78909c; --unknown: #6d4c41; --empty: #90a4ae; --held: #2e7d32; --broken: #c62828; --not-checked: #78909c; --partly-checked: #3f6b42; --absent: #e5e7eb; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; background: #f6f8fa; }
header.verdict { padding: 20px 32px; color: #fff; }
header.verdict.passed { background: var(--passed); }
header.verdict.passed.partial { background: #558b2f; }
header.verdict.failed { background: var(--failed); }
header.verdict.nothing-checked { background: var(--skipped); }
#run-errors { margin: 8px 0; padding-left: 20px; }
#run-errors pre { white-space: pre-wrap; margin: 4px 0; font-size: 12.5px; background: rgba(0,0,0,.18); padding: 6px; border-radius: 4px; }
header h1 { margin: 0; font-size: 15px; font-weight: 500; opacity: .9; }
header .headline { margin: 4px 0; font-size: 26px; font-weight: 700; }
header .meta { margin: 0; opacity: .9; font-size: 13px; }
main { padding: 8px 32px 24px; max-width: 1200px; }
h2 { font-size: 18px; margin: 24px 0 8px; }
table { border-collapse: collapse; background: #fff; width: 100%; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
th, td { padding: 6px 10px; border-bottom: 1px solid #e5e7eb; text-align: left; vertical-align: top; }
thead th { background: #eef1f4; font-weight: 600; font-size: 13px; }
tfoot th { background: #eef1f4; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.zero { color: #b0b7bf; }
td.passed, th.passed { color: var(--passed); font-weight: 600; }
td.failed, th.failed { color: var(--failed); font-weight: 700; }
td.pending, th.pending { color: var(--pending); font-weight: 600; }
td.undefined, th.undefined { color: var(--undefined); font-weight: 600; }
td.skipped, th.skipped { color: var(--skipped); }
.cap { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.bar { display: flex; width: 160px; height: 12px; border-radius: 6px; overflow: hidden; background: #e5e7eb; }
.bar span { display: block; height: 100%; }
.bar .passed, .tag.passed { background: var(--passed); }
.bar .failed, .tag.failed { background: var(--failed); }
.bar .pending, .tag.pending { background: var(--pending); }
.bar .undefined, .tag.undefined { background: var(--undefined); }
.bar .skipped, .tag.skipped { background: var(--skipped); }
.tag.ambiguous { background: var(--ambiguous); } .tag.unknown { background: var(--unknown); } .tag.empty { background: var(--empty); }
.tag.held { background: var(--held); } .tag.broken { background: var(--broken); } .tag.not-checked { background: var(--not-checked); } .tag.partly-checked { background: var(--partly-checked); }
.flaky { background: #6a1b9a; color: #fff; border-radius: 4px; padding: 1px 6px; font-size: 12px; font-weight: 600; }
#facts dl { background: #fff; padding: 10px 16px; margin-top: 16px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
.trend { display: inline-flex; gap: 2px; }
.trend i { display: inline-block; width: 10px; height: 16px; border-radius: 2px; background: var(--absent); }
.trend .t-passed { background: var(--passed); } .trend .t-failed { background: var(--failed); } .trend .t-ambiguous { background: var(--ambiguous); }
.trend .t-undefined { background: var(--undefined); } .trend .t-pending { background: var(--pending); } .trend .t-skipped { background: var(--skipped); }
.trend .t-unknown { background: var(--unknown); } .trend .t-empty { background: var(--empty); }
div.capability { background: #fff; margin: 8px 0; padding: 6px 12px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
div.capability h4 { font-size: 15px; margin: 4px 0; }
.feature h5 { margin: 10px 0 4px; font-size: 14.5px; }
li.rule details summary { font-size: 12.5px; font-weight: 400; margin: 2px 0; color: #57606a; }
ul.rules { margin: 0 0 8px; padding-left: 18px; } ul.examples { margin: 2px 0 6px; padding-left: 18px; font-size: 13.5px; }
.mark { font-size: 11px; font-weight: 700; text-transform: uppercase; } .mark.passed { color: var(--passed); } .mark.failed { color: var(--failed); }
.mark.skipped, .mark.empty, .mark.unknown { color: var(--skipped); } .mark.pending, .mark.undefined, .mark.ambiguous { color: var(--undefined); }
a.more { font-size: 12px; font-weight: 400; }
.no-rule { color: #57606a; font-style: italic; }
#known-limits li { margin: 6px 0; } .where { color: #57606a; font-size: 13px; } .shows { margin: 2px 0; font-size: 13.5px; }
blockquote.glossary { background: #fff; border-left: 4px solid #90a4ae; margin: 8px 0; padding: 6px 12px; } blockquote pre { white-space: pre-wrap; margin: 0; }
.none-checked { color: var(--skipped); }
.tag { color: #fff; border-radius: 4px; padding: 1px 6px; font-size: 12px; font-weight: 600; vertical-align: middle; }
.none { color: var(--passed); }
article.failure { background: #fff; border-left: 4px solid var(--failed); margin: 12px 0; padding: 8px 16px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
article.failure.pending { border-left-color: var(--pending); }
article.failure.undefined { border-left-color: var(--undefined); }
article h3 { margin: 4px 0 8px; font-size: 16px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0 0 8px; }
dt { color: #57606a; }
dd { margin: 0; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; }
code.replay { background: #f3f4f6; padding: 2px 6px; border-radius: 4px; user-select: all; }
pre.error { background: #fff5f5; border: 1px solid #f5c2c2; padding: 8px; overflow: auto; max-height: 320px; white-space: pre-wrap; font-size: 12.5px; }
details summary { cursor: pointer; font-weight: 600; margin: 24px 0 8px; font-size: 16px; }
footer { padding: 16px 32px 32px; color: #57606a; font-size: 13px; }
`;
