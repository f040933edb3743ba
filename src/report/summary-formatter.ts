/**
 * The summary formatters, as cucumber-js formatter plugins: each listens to the message stream,
 * folds it into a RunSummary and writes one rendering when the run finishes. Wired up in
 * cucumber.js through the .js entry files beside this one (Cucumber imports formatters with
 * `import()`, which cannot load .ts), e.g. `./src/report/summary-html-formatter.js:reports/summary.html`.
 */
import type { Envelope } from '@cucumber/messages';
import { SummaryCollector } from './summary/collect';
import { renderSummaryHtml } from './summary/html';
import { renderSummaryMarkdown } from './summary/markdown';
import type { RunSummary, Selection } from './summary/model';

/** The part of Cucumber's formatter plugin context these formatters use. */
export interface FormatterContext {
  on: (key: 'message', handler: (envelope: Envelope) => void) => void;
  write: (chunk: string) => void;
  stream: NodeJS.WritableStream & { writableEnded?: boolean };
}

export interface FormatterPlugin {
  type: 'formatter';
  formatter: (context: FormatterContext) => () => void;
}

/** A formatter plugin that writes `render(summary)` once, at testRunFinished (or at cleanup if that never came). */
export function summaryFormatter(render: (summary: RunSummary) => string): FormatterPlugin {
  return {
    type: 'formatter',
    formatter({ on, write, stream }) {
      const collector = new SummaryCollector();
      let written = false;
      const flush = (): void => {
        if (written || stream.writableEnded) return;
        written = true;
        write(render(collector.summary()));
      };
      on('message', (envelope) => {
        collector.add(envelope);
        if (envelope.testRunFinished) flush();
      });
      return flush;
    },
  };
}

export const htmlSummaryFormatter = summaryFormatter(renderSummaryHtml);
export const markdownSummaryFormatter = summaryFormatter(renderSummaryMarkdown);

/** What a caller can tell the summary that the message stream cannot (a merge of shard runs). */
export interface SummaryOptions {
  /** How the run selected its scenarios; by default read from the command line of this process. */
  selection?: Selection;
}

/** Both renderings of the summary of a whole message stream (what `npm run report:merge` writes). */
export function renderSummaries(
  envelopes: readonly Envelope[],
  options: SummaryOptions = {},
): { html: string; markdown: string } {
  void options.selection; // read by the sign-off page (issue 14), not yet by this summary
  const collector = new SummaryCollector();
  for (const envelope of envelopes) collector.add(envelope);
  const summary = collector.summary();
  return { html: renderSummaryHtml(summary), markdown: renderSummaryMarkdown(summary) };
}
