/**
 * The summary formatters, as cucumber-js formatter plugins: each listens to the message stream,
 * folds it into a RunSummary and writes one rendering of the sign-off page when the run finishes.
 * Wired up in cucumber.js through the .js entry files beside this one (Cucumber imports
 * formatters with `import()`, which cannot load .ts), e.g.
 * `./src/report/summary-html-formatter.js:reports/summary.html`.
 *
 * History: the reports dir is the directory of the formatter's output file. The HTML formatter
 * alone appends the run's record to `<reports dir>/history/` (one writer per run); the Markdown
 * one reads it. A formatter writing to $GITHUB_STEP_SUMMARY reads the history of
 * TIDAL_REPORTS_DIR (default `reports`) and never writes; one writing to stdout has no history.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Envelope } from '@cucumber/messages';
import { SummaryCollector } from './summary/collect';
import { appendRecord } from './summary/history';
import { renderSummaryHtml } from './summary/html';
import { renderSummaryMarkdown } from './summary/markdown';
import type { Selection } from './summary/model';
import { summaryView, type SummaryView } from './summary/view';

/** The part of Cucumber's formatter plugin context these formatters use. */
export interface FormatterContext {
  on: (key: 'message', handler: (envelope: Envelope) => void) => void;
  write: (chunk: string) => void;
  stream: NodeJS.WritableStream & { writableEnded?: boolean };
  /** The directory of the output file; undefined when writing to stdout. */
  directory?: string;
}

export interface FormatterPlugin {
  type: 'formatter';
  formatter: (context: FormatterContext) => () => void;
}

export interface FormatterOptions {
  /** Append this run's record to the history (exactly one formatter of a run should). */
  recordsHistory?: boolean;
}

/**
 * Where this formatter's history lies, if it has one: the directory of its output file, except
 * for the job summary ($GITHUB_STEP_SUMMARY, in the runner's temp dir), which reads the history of
 * TIDAL_REPORTS_DIR (default `reports`). Cucumber's stream has no path, only its directory.
 */
export function reportsDirOf(context: Pick<FormatterContext, 'directory'>): string | undefined {
  const jobSummary = process.env.GITHUB_STEP_SUMMARY;
  if (context.directory === undefined) return undefined;
  if (jobSummary && path.resolve(context.directory) === path.dirname(path.resolve(jobSummary)))
    return process.env.TIDAL_REPORTS_DIR || 'reports';
  return context.directory;
}

/** A formatter plugin that writes `render(view)` once, at testRunFinished (or at cleanup if that never came). */
export function summaryFormatter(
  render: (view: SummaryView) => string,
  options: FormatterOptions = {},
): FormatterPlugin {
  return {
    type: 'formatter',
    formatter(context) {
      const { on, stream } = context;
      const collector = new SummaryCollector();
      let final = false;
      const render_ = (provisional: boolean): void => {
        if (provisional && !writesFile(context)) return; // stdout: once, at the end
        const reportsDir = reportsDirOf(context);
        const view = summaryView(collector.summary(), { reportsDir });
        writeWhole(context, render(view));
        if (options.recordsHistory && reportsDir !== undefined && reportsDir === context.directory) {
          try {
            appendRecord(reportsDir, view.record); // same run, same file: a later rendering replaces it
          } catch (error) {
            process.stderr.write(`tidal-uat: the run history was not written: ${String(error)}\n`);
          }
        }
      };
      const flush = (): void => {
        if (final || stream.writableEnded) return;
        final = true;
        render_(false);
      };
      on('message', (envelope) => {
        collector.add(envelope);
        if (envelope.testRunFinished) flush();
        // cucumber-js 12 exits at a failing BeforeAll/AfterAll hook, with no testRunFinished and no
        // cleanup: write the page now, so it shows the error (testRunFinished, if it comes, rewrites it).
        else if (
          envelope.testRunHookFinished &&
          !['PASSED', 'SKIPPED'].includes(String(envelope.testRunHookFinished.result.status))
        )
          render_(true);
      });
      return flush;
    },
  };
}

/**
 * Writes the whole rendering. To a file, synchronously through the stream's descriptor (Cucumber
 * opens it with 'w' and hands a stream without a path), replacing what a provisional rendering
 * wrote, since the process may exit right after; to any other stream (stdout), once, at the end.
 */
function writeWhole(context: FormatterContext, text: string): void {
  const fd = fileDescriptor(context);
  if (fd === undefined) return context.write(text);
  const bytes = Buffer.from(text, 'utf8');
  fs.ftruncateSync(fd, 0);
  fs.writeSync(fd, bytes, 0, bytes.length, 0);
}

function writesFile(context: FormatterContext): boolean {
  return fileDescriptor(context) !== undefined;
}

function fileDescriptor(context: FormatterContext): number | undefined {
  const { stream, directory } = context;
  if (directory === undefined || !(stream instanceof fs.WriteStream)) return undefined;
  const fd: unknown = (stream as unknown as { fd: unknown }).fd;
  return typeof fd === 'number' ? fd : undefined;
}

export const htmlSummaryFormatter = summaryFormatter(renderSummaryHtml, { recordsHistory: true });
export const markdownSummaryFormatter = summaryFormatter(renderSummaryMarkdown);

/** What a caller can tell the summary that the message stream cannot (a merge of shard runs). */
export interface SummaryOptions {
  /** How the run selected its scenarios; by default read from the command line of this process. */
  selection?: Selection;
  /** Where the run history lies (`<dir>/history/`), to show trends; none: this run alone. */
  reportsDir?: string;
  /** Append this run's record to `<reportsDir>/history/` (a merge of shard runs does; default: read only). */
  appendsHistory?: boolean;
  /** The suite's commit, if the caller knows it; default `git rev-parse HEAD` of the working directory. */
  suiteCommit?: string;
}

/** Both renderings of the summary of a whole message stream (what `npm run report:merge` writes). */
export function renderSummaries(
  envelopes: readonly Envelope[],
  options: SummaryOptions = {},
): { html: string; markdown: string } {
  const collector = new SummaryCollector();
  for (const envelope of envelopes) collector.add(envelope);
  const view = summaryView(collector.summary(), options);
  if (options.appendsHistory && options.reportsDir !== undefined)
    appendRecord(options.reportsDir, view.record);
  return { html: renderSummaryHtml(view), markdown: renderSummaryMarkdown(view) };
}
