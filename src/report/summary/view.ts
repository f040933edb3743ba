/**
 * Everything one rendering of the sign-off page needs, gathered in one place: the run's summary,
 * its sign-off arrangement, the runs of the history with this one last, and notes on the history
 * and on the glossary's known limits. The renderers only format it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunSummary, Selection } from './model';
import { resolveSelection } from './selection';
import { signOff, type SignOff } from './signoff';
import { checkoutCommit, checkoutDirty } from '../../checkout';
import { flakyPromises, historyRecord, readHistory, withCurrent, type HistoryRecord } from './history';

/** Bound on the glossary's "Known limits" text quoted on the page. */
const MAX_GLOSSARY_CHARS = 4000;

export interface SummaryView {
  summary: RunSummary;
  page: SignOff;
  /** This run's history record (what a formatter appends). */
  record: HistoryRecord;
  /** Runs of the history, oldest first, this one last. */
  runs: HistoryRecord[];
  /** History files skipped or left unread, for a note on the page. */
  historyNotes: string[];
  /** Promise checker → commits where its status changed between runs. */
  flaky: Map<string, string[]>;
  /** The glossary's "Known limits" section, when it has one. */
  glossaryLimits?: string;
}

export interface ViewOptions {
  /** How the run selected its scenarios; by default read from the command line of this process. */
  selection?: Selection;
  /** Where the history lies (`<dir>/history/`); none: the page shows this run alone. */
  reportsDir?: string;
  /** The suite's checkout (its commit, its glossary). Default: the working directory. */
  cwd?: string;
  /** The suite's commit, when the caller knows it (tests). Default: `git rev-parse HEAD` of cwd. */
  suiteCommit?: string;
  /** Whether the checkout has uncommitted edits, when the caller knows it. Default: asked of git, unless suiteCommit is given. */
  suiteDirty?: boolean;
}

export function summaryView(summary: RunSummary, options: ViewOptions = {}): SummaryView {
  const cwd = options.cwd ?? process.cwd();
  const page = signOff(summary, {
    selection: resolveSelection(summary, options.selection),
    suiteCommit: options.suiteCommit ?? checkoutCommit(cwd),
    suiteDirty: options.suiteCommit === undefined ? checkoutDirty(cwd) : options.suiteDirty,
  });
  const record = historyRecord(summary, page);
  const history = options.reportsDir ? readHistory(options.reportsDir) : undefined;
  const runs = history ? withCurrent(history, record) : [record];
  const historyNotes = history
    ? [
        ...history.skipped.map((s) => `skipped ${s}`),
        ...(history.older > 0 ? [`${history.older} older records not read`] : []),
      ]
    : [];
  return {
    summary,
    page,
    record,
    runs,
    historyNotes,
    flaky: flakyPromises(runs),
    glossaryLimits: glossaryLimits(cwd),
  };
}

/** The "## Known limits" section of features/GLOSSARY.md, without its heading; undefined if none. */
export function glossaryLimits(cwd: string): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(cwd, 'features', 'GLOSSARY.md'), 'utf8');
  } catch {
    return undefined;
  }
  const match = /^##\s+Known limits\s*$([\s\S]*?)(?=^##\s|(?![\s\S]))/im.exec(text);
  const body = match?.[1].trim();
  if (!body) return undefined;
  return body.length > MAX_GLOSSARY_CHARS ? `${body.slice(0, MAX_GLOSSARY_CHARS)}…` : body;
}
