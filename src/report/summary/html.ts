/**
 * summary.html: the one page a product owner opens. A verdict, the capability × status table,
 * the failing scenarios with error, seed and replay command, and every scenario folded away.
 * Self-contained (inline CSS, no script, nothing fetched) and every embedded string escaped.
 */
import { escapeHtml as h } from '../escape';
import {
  formatDuration,
  SCENARIO_STATUSES,
  type CapabilityRow,
  type RunSummary,
  type ScenarioResult,
} from './model';

/** The whole page. */
export function renderSummaryHtml(summary: RunSummary): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tidal-uat: acceptance summary</title>
<style>${STYLE}</style>
</head>
<body>
${verdict(summary)}
<main>
${capabilityTable(summary)}
${failures(summary.failures)}
${allScenarios(summary.scenarios)}
</main>
<footer>Built from Cucumber's message stream. Every step, attachment and log: <a href="cucumber.html">cucumber.html</a>.</footer>
</body>
</html>
`;
}

function verdict(summary: RunSummary): string {
  const { total } = summary;
  const failing = summary.failures.length;
  const headline =
    total.scenarios === 0
      ? 'No scenarios ran'
      : failing === 0
        ? `All ${total.scenarios} scenarios passed${total.counts.skipped ? ` (${total.counts.skipped} skipped)` : ''}`
        : `${failing} of ${total.scenarios} scenarios failing`;
  const meta = [
    summary.startedAt ? `started ${h(summary.startedAt)}` : '',
    `took ${formatDuration(summary.runDurationMs)}`,
    summary.cucumberVersion ? `Cucumber ${h(summary.cucumberVersion)}` : '',
  ].filter(Boolean);
  const cls = total.scenarios === 0 ? 'empty' : summary.success && failing === 0 ? 'ok' : 'bad';
  return `<header class="verdict ${cls}">
<h1>tidal-uat: multi-region replication acceptance</h1>
<p class="headline" id="verdict">${h(headline)}</p>
<p class="meta">${meta.join(' · ')}</p>
</header>`;
}

function capabilityTable(summary: RunSummary): string {
  const heads = SCENARIO_STATUSES.map((s) => `<th class="num">${s}</th>`).join('');
  const rows = summary.capabilities.map((r) => capabilityRow(r, 'td')).join('\n');
  return `<section>
<h2>Capabilities</h2>
<table id="capabilities">
<thead><tr><th>capability</th><th class="num">scenarios</th>${heads}<th class="num">duration</th><th>result</th></tr></thead>
<tbody>
${rows || '<tr><td colspan="9">No scenarios ran.</td></tr>'}
</tbody>
<tfoot>${capabilityRow(summary.total, 'th')}</tfoot>
</table>
</section>`;
}

function capabilityRow(row: CapabilityRow, cell: 'td' | 'th'): string {
  const counts = SCENARIO_STATUSES.map((s) => {
    const n = row.counts[s];
    return `<${cell} class="num${n > 0 ? ` ${s}` : ' zero'}">${n}</${cell}>`;
  }).join('');
  return `<tr><${cell}${cell === 'td' ? ' class="cap"' : ''}>${h(row.capability)}</${cell}><${cell} class="num">${row.scenarios}</${cell}>${counts}<${cell} class="num">${formatDuration(row.durationMs)}</${cell}><${cell}>${bar(row)}</${cell}></tr>`;
}

/** A stacked bar of the row's statuses: the table read at a glance. */
function bar(row: CapabilityRow): string {
  if (row.scenarios === 0) return '';
  const parts = SCENARIO_STATUSES.filter((s) => row.counts[s] > 0).map((s) => {
    const pct = ((100 * row.counts[s]) / row.scenarios).toFixed(1);
    return `<span class="${s}" style="width:${pct}%" title="${row.counts[s]} ${s}"></span>`;
  });
  return `<div class="bar" role="img" aria-label="${SCENARIO_STATUSES.map((s) => `${row.counts[s]} ${s}`).join(', ')}">${parts.join('')}</div>`;
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
<h3><span class="tag ${s.status}">${s.status}</span> ${h(s.name)}</h3>
<dl>
<dt>capability</dt><dd>${h(s.capability)}</dd>
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
        `<tr><td>${h(s.name)}</td><td>${h(s.capability)}</td><td><span class="tag ${s.status}">${s.status}</span></td><td class="num">${formatDuration(s.durationMs)}</td><td class="num">${s.seed ? h(String(s.seed.seed)) : ''}</td><td><code>${h(`${s.uri}:${s.line}`)}</code></td></tr>`,
    )
    .join('\n');
  return `<section id="scenarios">
<details>
<summary>All scenarios (${list.length})</summary>
<table>
<thead><tr><th>scenario</th><th>capability</th><th>status</th><th class="num">duration</th><th class="num">seed</th><th>location</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</details>
</section>`;
}

const STYLE = `
:root { --passed: #2e7d32; --failed: #c62828; --pending: #f9a825; --undefined: #ef6c00; --skipped: #78909c; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; background: #f6f8fa; }
header.verdict { padding: 20px 32px; color: #fff; }
header.verdict.ok { background: var(--passed); }
header.verdict.bad { background: var(--failed); }
header.verdict.empty { background: var(--skipped); }
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
