/**
 * The figures a scenario measured (convergence time, bytes shipped…) as attachments: a table
 * picture for Cucumber's HTML report (it shows JSON only as raw text; see svg-table.ts) and the
 * JSON itself, which tools read. Figures keep the order the scenario recorded them in.
 */
import { svgAttachment, type ReportAttachment } from './report-attachment';
import { svgTables } from './svg-table';

/** File names of the figures' picture and of their JSON. */
export const FIGURES_SVG_FILE_NAME = 'figures.svg';
export const FIGURES_JSON_FILE_NAME = 'figures.json';

/** The figures as a picture of a two-column table. */
export function figuresSvg(figures: Readonly<Record<string, number | string>>): string {
  const count = Object.keys(figures).length;
  return svgTables({
    title: 'Figures this scenario measured',
    description:
      'Each figure the scenario measured, by name, with its value (virtual time unless named wall-clock).',
    sections: [
      {
        heading: `${count} figure${count === 1 ? '' : 's'}`,
        headers: ['figure', 'value'],
        rightAligned: [false, true],
        rows: Object.entries(figures).map(([name, value]) => [name, formatValue(value)]),
        empty: 'No figures.',
      },
    ],
  });
}

/** The picture, then the JSON; nothing when the scenario measured nothing. */
export function figuresAttachments(figures: Readonly<Record<string, number | string>>): ReportAttachment[] {
  if (Object.keys(figures).length === 0) return [];
  return [
    svgAttachment(figuresSvg(figures), FIGURES_SVG_FILE_NAME),
    {
      body: JSON.stringify(figures, null, 2),
      mediaType: 'application/json',
      fileName: FIGURES_JSON_FILE_NAME,
    },
  ];
}

function formatValue(value: number | string): string {
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  return Number(value.toPrecision(6)).toString();
}
