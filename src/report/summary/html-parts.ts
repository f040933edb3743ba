/**
 * The sign-off parts of summary.html: the promise rows, the capability table with its trend
 * strips, the specification tree (capability → feature promise → rule → examples), the
 * @known-limit examples. Every embedded string is escaped; links go into cucumber.html.
 */
import { escapeHtml as h } from '../escape';
import { flakyNote } from './words';
import { describeCounts, formatDuration, type ScenarioResult, type ScenarioStatus } from './model';
import { tagLink, tagsLink } from './links';
import {
  plural,
  promiseText,
  type CapabilityNode,
  type FeatureNode,
  type PromiseRow,
  type RuleNode,
} from './signoff';
import { trend, type HistoryRecord } from './history';
import type { SummaryView } from './view';

export function tag(status: string): string {
  return `<span class="tag ${h(status)}">${h(status)}</span>`;
}

function scenarioLink(s: ScenarioResult): string {
  const failing = !['passed', 'skipped', 'empty'].includes(s.status);
  return `<a href="${h(tagsLink(s.tags, s.name, failing))}" title="${h(`${s.uri}:${s.line}`)}">${h(s.name)}</a>`;
}

export function promisesSection(view: SummaryView): string {
  const rows = view.page.promises;
  if (rows.length === 0)
    return `<section id="promises"><h2>Promises</h2><p class="none-checked">No promise was checked: no scenario built a cluster.</p></section>`;
  return `<section id="promises">
<h2>Promises checked after every scenario</h2>
<table>
<thead><tr><th>promise</th><th>checker</th><th>status</th><th>where broken</th></tr></thead>
<tbody>
${rows.map((r) => promiseRow(r, view.flaky.get(r.checker))).join('\n')}
</tbody>
</table>
</section>`;
}

function promiseRow(row: PromiseRow, flakyCommits: string[] | undefined): string {
  const flaky = flakyCommits ? ` <span class="flaky" title="${h(flakyNote(flakyCommits))}">flaky</span>` : '';
  const broken = row.broken.map(scenarioLink).join('<br>');
  return `<tr class="promise" data-status="${row.status}" data-checker="${h(row.checker)}"><td>${h(row.promise)}</td><td><code>${h(row.checker)}</code></td><td>${tag(row.status)} ${h(promiseText(row))}${flaky}</td><td>${broken}</td></tr>`;
}

/** The capability table; `id` is `capabilities` for the product's, `technical-capabilities` for the rest. */
export function capabilityTable(
  nodes: readonly CapabilityNode[],
  runs: readonly HistoryRecord[],
  id: string,
): string {
  const rows = nodes.map((c) => {
    const rest = describeCounts({ ...c.counts, passed: 0 });
    const total = Object.values(c.counts).reduce((a, b) => a + b, 0);
    return `<tr data-status="${c.status}"><td class="cap"><a href="${h(tagLink(c.name))}">${h(c.name)}</a></td><td>${tag(c.status)}</td><td class="num">${total}</td><td class="num passed">${c.counts.passed}</td><td>${rest === 'none' ? '' : h(rest)}</td><td class="num">${formatDuration(c.durationMs)}</td><td>${trendStrip(runs, c.name)}</td></tr>`;
  });
  return `<table id="${id}">
<thead><tr><th>capability</th><th>status</th><th class="num">scenarios</th><th class="num">passed</th><th>not passed</th><th class="num">duration</th><th>last runs (newest right)</th></tr></thead>
<tbody>
${rows.join('\n') || '<tr><td colspan="7">No scenario of this kind ran.</td></tr>'}
</tbody>
</table>`;
}

function trendStrip(runs: readonly HistoryRecord[], capability: string): string {
  const cells = trend(runs, capability).map(
    (cell) =>
      `<i class="t-${cell.status}" title="${h(`${cell.commit.slice(0, 12)} · ${cell.date} · ${cell.status}`)}"></i>`,
  );
  return `<span class="trend" role="img" aria-label="${h(`${capability}: last ${plural(cells.length, 'run')}`)}">${cells.join('')}</span>`;
}

/**
 * Capability → feature promise → rule, always shown (what a product owner signs off); each rule's
 * examples folded, unfolded where one did not pass.
 */
export function specificationTree(nodes: readonly CapabilityNode[]): string {
  return nodes.map(capabilityNode).join('\n') || '<p class="none-checked">No scenario of this kind ran.</p>';
}

function capabilityNode(c: CapabilityNode): string {
  return `<div class="capability" data-status="${c.status}">
<h4>${tag(c.status)} <code>${h(c.name)}</code> · ${h(describeCounts(c.counts))} · <a href="${h(tagLink(c.name))}">in cucumber.html</a></h4>
${c.features.map(featureNode).join('\n')}
</div>`;
}

function featureNode(f: FeatureNode): string {
  const link = tagsLink(f.rules[0].scenarios[0].featureTags, f.name);
  return `<div class="feature" data-status="${f.status}"><h5>${tag(f.status)} ${h(f.name)} <a class="more" href="${h(link)}">open</a></h5>
<ul class="rules">
${f.rules.map(ruleNode).join('\n')}
</ul></div>`;
}

function ruleNode(r: RuleNode): string {
  const head = r.isRule
    ? `${tag(r.status)} <span class="rule-name">${h(r.name)}</span> <a class="more" href="${h(tagsLink(r.scenarios[0].ruleTags, r.name))}">open</a>`
    : `<span class="no-rule">${h(r.name)}</span>`;
  const examples = r.scenarios.map((s) => `<li>${statusMark(s.status)} ${scenarioLink(s)}</li>`).join('');
  return `<li class="rule" data-status="${r.status}">${head}
<details${r.status === 'passed' ? '' : ' open'}><summary>${plural(r.scenarios.length, 'example')}</summary><ul class="examples">${examples}</ul></details></li>`;
}

function statusMark(status: ScenarioStatus): string {
  return `<span class="mark ${status}" title="${status}">${status}</span>`;
}

export function knownLimitsSection(view: SummaryView): string {
  const limits = view.page.knownLimits;
  const glossary = view.glossaryLimits
    ? `<blockquote class="glossary"><pre>${h(view.glossaryLimits)}</pre><cite>features/GLOSSARY.md</cite></blockquote>`
    : '';
  const items = limits.map(
    (s) =>
      `<li>${tag(s.status)} ${scenarioLink(s)}<div class="where">${h(s.capability)} · ${h(s.feature)}${s.rule ? ` · ${h(s.rule)}` : ''}</div>${s.description ? `<p class="shows">${h(s.description)}</p>` : ''}</li>`,
  );
  return `<section id="known-limits">
<h2>Known limits (${limits.length})</h2>
<p>Examples tagged <code>@known-limit</code> show a documented limit of the product; passing means the limit is exactly as documented, so sign it off knowingly.</p>
${glossary}
${items.length ? `<ul>${items.join('\n')}</ul>` : '<p class="none-checked">No @known-limit example ran.</p>'}
</section>`;
}

export function technicalSection(view: SummaryView): string {
  const nodes = view.page.technical;
  const count = nodes.reduce((n, c) => n + Object.values(c.counts).reduce((a, b) => a + b, 0), 0);
  return `<section id="technical">
<h2>Technical features (${plural(count, 'scenario')}, counted apart)</h2>
<p>Features and rules tagged <code>@technical</code>: harness, wire format, write-ahead log, simulator, written for engineers.</p>
${capabilityTable(nodes, view.runs, 'technical-capabilities')}
${specificationTree(nodes)}
</section>`;
}
