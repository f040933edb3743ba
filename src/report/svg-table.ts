/**
 * Tables drawn as SVG, for Cucumber's HTML report: of every attachment media type, its
 * react-components render only images (`image/*`, base64) as pictures; `text/*` — Markdown and
 * HTML included — and `application/json` are shown verbatim in a <pre>. So a table a reader sees
 * as a table is an image. Drawn by hand rather than with vega: a grid of text needs no scales.
 *
 * Layout is computed from character counts in a monospace font, so the same rows give the same
 * bytes on every machine (no font metrics are measured). Every text is XML-escaped; the table
 * carries ARIA table roles, a <title> and a <desc>, for anyone who opens the SVG itself (inside
 * Cucumber's report it is an <img alt="">, so the text attachment beside it is the accessible one).
 */
import { escapeHtml } from './escape';

/** One table of the picture, under its heading. */
export interface SvgTableSection {
  heading: string;
  headers: string[];
  rows: SvgCell[][];
  /** Per column: right-align (numbers). Default: left. */
  rightAligned?: boolean[];
  /** Shown instead of the table when it has no rows. */
  empty?: string;
}

/** A cell's text, and whether it needs the reader's eye (a replica down): drawn in red, bold. */
export type SvgCell = string | { text: string; alert: boolean };

export interface SvgTables {
  title: string;
  /** One or two sentences on what the tables show (the SVG's <desc>). */
  description: string;
  sections: SvgTableSection[];
}

const FONT_PX = 12;
/** Advance of one character of a 12 px monospace font (0.6 em), the layout's only font metric. */
const CHAR_PX = 7.2;
const CELL_PAD_PX = 8;
const ROW_PX = 20;
const TITLE_PX = 26;
const HEADING_PX = 28;
const MARGIN_PX = 12;
const SECTION_GAP_PX = 10;
/** Longer cell texts are cut with an ellipsis, so one name cannot stretch the picture without bound. */
export const MAX_CELL_CHARS = 48;
const FONT = 'font-family="\'DejaVu Sans Mono\', Menlo, Consolas, monospace"';

/** The tables as one standalone SVG document string. */
export function svgTables(tables: SvgTables): string {
  const parts: string[] = [];
  let y = MARGIN_PX + TITLE_PX - 8;
  parts.push(text(MARGIN_PX, y, tables.title, 'font-size="15" font-weight="bold"'));
  let widthPx = MARGIN_PX * 2 + tables.title.length * CHAR_PX * 1.25;
  y += 8;
  tables.sections.forEach((section, index) => {
    y += index === 0 ? 0 : SECTION_GAP_PX;
    parts.push(text(MARGIN_PX, y + HEADING_PX - 10, section.heading, 'font-size="13" font-weight="bold"'));
    widthPx = Math.max(widthPx, MARGIN_PX * 2 + section.heading.length * CHAR_PX * 1.1);
    y += HEADING_PX;
    if (section.rows.length === 0) {
      parts.push(text(MARGIN_PX, y + ROW_PX - 6, section.empty ?? 'none', 'font-style="italic"'));
      y += ROW_PX;
      return;
    }
    const drawn = drawTable(section, MARGIN_PX, y);
    parts.push(drawn.svg);
    widthPx = Math.max(widthPx, MARGIN_PX * 2 + drawn.widthPx);
    y += drawn.heightPx;
  });
  const w = Math.ceil(widthPx);
  const h = Math.ceil(y + MARGIN_PX);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" ${FONT} font-size="${FONT_PX}" role="group" aria-labelledby="t" aria-describedby="d">`,
    `<title id="t">${escapeHtml(tables.title)}</title>`,
    `<desc id="d">${escapeHtml(tables.description)}</desc>`,
    `<rect width="${w}" height="${h}" fill="white"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

function drawTable(
  section: SvgTableSection,
  x0: number,
  y0: number,
): { svg: string; widthPx: number; heightPx: number } {
  const cells = section.rows.map((row) => section.headers.map((_, i) => cellOf(row[i] ?? '')));
  const widths = section.headers.map((h, i) =>
    Math.max(3, clip(h).length, ...cells.map((r) => r[i]!.text.length)),
  );
  const colPx = widths.map((chars) => Math.ceil(chars * CHAR_PX + CELL_PAD_PX * 2));
  const tableWidthPx = colPx.reduce((a, b) => a + b, 0);
  const lefts = colPx.map((_, i) => x0 + colPx.slice(0, i).reduce((a, b) => a + b, 0));
  const right = section.rightAligned ?? [];
  const out: string[] = [`<g role="table" aria-label="${escapeHtml(section.heading)}">`];
  const row = (y: number, texts: { text: string; alert: boolean }[], header: boolean): void => {
    out.push('<g role="row">');
    texts.forEach((cell, i) => {
      const tx = right[i] ? lefts[i]! + colPx[i]! - CELL_PAD_PX : lefts[i]! + CELL_PAD_PX;
      const style = [
        right[i] ? 'text-anchor="end"' : '',
        header ? 'font-weight="bold"' : '',
        cell.alert ? 'font-weight="bold" fill="#b00020"' : '',
      ]
        .filter(Boolean)
        .join(' ');
      out.push(
        `<g role="${header ? 'columnheader' : 'cell'}">${text(tx, y + ROW_PX - 6, cell.text, style)}</g>`,
      );
    });
    out.push('</g>');
  };
  out.push(`<rect x="${x0}" y="${y0}" width="${tableWidthPx}" height="${ROW_PX}" fill="#e8edf3"/>`);
  row(
    y0,
    section.headers.map((h) => ({ text: clip(h), alert: false })),
    true,
  );
  cells.forEach((r, i) => {
    const y = y0 + ROW_PX * (i + 1);
    if (i % 2 === 1)
      out.push(`<rect x="${x0}" y="${y}" width="${tableWidthPx}" height="${ROW_PX}" fill="#f6f8fa"/>`);
    row(y, r, false);
  });
  const heightPx = ROW_PX * (cells.length + 1);
  out.push(
    `<rect x="${x0}" y="${y0}" width="${tableWidthPx}" height="${heightPx}" fill="none" stroke="#c8d1dc"/>`,
    `<line x1="${x0}" y1="${y0 + ROW_PX}" x2="${x0 + tableWidthPx}" y2="${y0 + ROW_PX}" stroke="#8a96a3"/>`,
    '</g>',
  );
  return { svg: out.join('\n'), widthPx: tableWidthPx, heightPx };
}

function cellOf(cell: SvgCell): { text: string; alert: boolean } {
  return typeof cell === 'string'
    ? { text: clip(cell), alert: false }
    : { text: clip(cell.text), alert: cell.alert };
}

/** One line, at most MAX_CELL_CHARS characters. */
function clip(s: string): string {
  const oneLine = s.replace(/\s+/g, ' ');
  return oneLine.length <= MAX_CELL_CHARS ? oneLine : `${oneLine.slice(0, MAX_CELL_CHARS - 1)}…`;
}

function text(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${round(x)}" y="${round(y)}"${attrs ? ` ${attrs}` : ''}>${escapeHtml(content)}</text>`;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
