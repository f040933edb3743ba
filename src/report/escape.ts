/**
 * Escaping for everything the reports embed. Names of scenarios, entities, regions and error
 * messages come from feature files and from the system under test; none of it may become markup.
 * HTML: entity-escape. Markdown: code spans or fenced blocks for literal text, backslash and
 * entity escapes for prose, so GitHub shows `<script>` as text and a `|` never splits a table cell.
 */

/** Text safe inside an HTML element or a double- or single-quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Literal text as an inline code span, safe in a GFM table cell (one line, pipes escaped). */
export function mdCode(text: string): string {
  const oneLine = text.replace(/\r?\n|\r/g, ' ').replace(/\|/g, '\\|');
  const longestRun = Math.max(0, ...(oneLine.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = oneLine.startsWith('`') || oneLine.endsWith('`') || oneLine === '' ? ' ' : '';
  return `${fence}${pad}${oneLine}${pad}${fence}`;
}

/**
 * Prose inside a Markdown line (a table cell, after a heading or list marker): no inline markup,
 * HTML or line break survives. Not for the start of a line, where `#`, `-` or `1.` would count.
 */
export function mdText(text: string): string {
  return text
    .replace(/\r?\n|\r/g, ' ')
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;');
}

/** Multi-line literal text as a fenced code block whose fence no line of the text can close. */
export function mdFence(text: string, info = ''): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${info}\n${text.replace(/\s+$/, '')}\n${fence}`;
}

/** A GFM table padded so it also reads as plain text (Cucumber's report shows text/markdown raw). */
export function mdTable(headers: string[], rows: string[][], rightAligned: boolean[] = []): string {
  const widths = headers.map((h, i) => Math.max(3, h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => (rightAligned[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (rightAligned[i] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}
