/**
 * Opens the reports in headless Chromium, as a reader would, and checks what they must show:
 * summary.html's headline, promise view and capability table; a scenario's steps in Cucumber's
 * cucumber.html, a lag chart and a timeline (SVG image attachments, expanded); and the reports
 * of a failing run, which it makes itself (the on-purpose failing @demo-failure scenario, run
 * into <reports>/failing-run/): a red headline, the failure with its seed and replay command.
 * Saves screenshots to <reports>/screens/.
 * Usage: node -r ts-node/register scripts/browser-test.ts [--reports DIR]   (default: reports)
 * Without /usr/bin/chromium (Debian's `chromium` package) every check is reported as skipped,
 * never passed, and the exit code is 0. Closes with "N passed, N failed, N skipped".
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { readReportFacts, TIMELINE_FILE_NAME, type ReportFacts } from './report-facts';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Bound on each wait for something to appear on a page. */
const WAIT_MS = 15_000;
/** Bound on the run of the failing demo scenario. */
const FAILING_RUN_MS = 120_000;

interface Check {
  name: string;
  run: (page: Page) => Promise<void>;
}

interface Outcome {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  detail?: string;
}

function reportsDir(): string {
  const i = process.argv.indexOf('--reports');
  return resolve(i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : 'reports');
}

function checks(dir: string, facts: ReportFacts): Check[] {
  const screens = join(dir, 'screens');
  return [
    {
      name: 'summary.html: the capability table is visible',
      run: async (page) => {
        await open(page, join(dir, 'summary.html'));
        const table = page.locator('table#capabilities');
        await table.waitFor({ state: 'visible', timeout: WAIT_MS });
        const rows = await table.locator('tbody tr td.cap').count();
        if (rows === 0) throw new Error('the capability table has no capability rows: did any scenario run?');
        if ((await page.locator('#failures .failure').count()) > 0)
          await page.locator('#failures code.replay').first().waitFor({ state: 'visible', timeout: WAIT_MS });
        await page.screenshot({ path: join(screens, 'summary.png'), fullPage: true });
      },
    },
    {
      name: 'summary.html: the promise view states every promise and the system under test',
      run: async (page) => {
        await open(page, join(dir, 'summary.html'));
        const headline = page.locator('#headline');
        await headline.waitFor({ state: 'visible', timeout: WAIT_MS });
        await page.locator('#system-under-test').waitFor({ state: 'visible', timeout: WAIT_MS });
        await page.locator('#selection').waitFor({ state: 'visible', timeout: WAIT_MS });
        const promises = page.locator('#promises tr.promise');
        await promises.first().waitFor({ state: 'visible', timeout: WAIT_MS });
        const statuses = await promises.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status')));
        if (statuses.some((s) => !s)) throw new Error('a promise row has no data-status');
        await page.screenshot({ path: join(screens, 'summary-first-screen.png'), fullPage: false });
        await page.locator('#promises').screenshot({ path: join(screens, 'promises.png') });
      },
    },
    {
      name: 'a failing run: the summary is red and shows the failure with its seed and replay command',
      run: async (page) => {
        const failing = failingRun(dir);
        await open(page, join(failing, 'summary.html'));
        const headline = page.locator('#headline');
        await headline.waitFor({ state: 'visible', timeout: WAIT_MS });
        const classes = (await headline.getAttribute('class')) ?? '';
        if (!/\bfailed\b/.test(classes))
          throw new Error(`the failing run's headline has class "${classes}", not "failed"`);
        const replay = page.locator('#failures .failure code.replay').first();
        await replay.waitFor({ state: 'visible', timeout: WAIT_MS });
        const text = (await replay.textContent()) ?? '';
        if (!text.includes('TIDAL_SEED=4242'))
          throw new Error(`the failure's replay command reads "${text}", without the scenario's seed 4242`);
        await page.screenshot({ path: join(screens, 'failing-summary.png'), fullPage: true });
      },
    },
    {
      name: "cucumber.html: a scenario's steps are visible",
      run: async (page) => {
        if (!facts.stepText)
          throw new Error(
            `no scenario step found in ${join(dir, 'messages.ndjson')}: run the suite first (npm run uat)`,
          );
        await openCucumberReport(page, join(dir, 'cucumber.html'), page.getByText(facts.stepText));
        await page.getByText(facts.stepText).first().waitFor({ state: 'visible', timeout: WAIT_MS });
        await page.screenshot({ path: join(screens, 'cucumber.png'), fullPage: false });
      },
    },
    {
      name: 'cucumber.html: a replication-lag chart is visible',
      run: async (page) => {
        if (facts.svgAttachments === 0)
          throw new Error(
            'no image/svg+xml attachment in messages.ndjson: the step hooks must attach scenarioAttachments(snapshot)',
          );
        const charts = page.locator('details:has(img[src^="data:image/svg+xml"])');
        await openCucumberReport(page, join(dir, 'cucumber.html'), charts);
        await expandImage(charts.first(), 'the chart', join(screens, 'lag-chart.png'));
        await screenshotRegionTable(page, join(screens, 'region-state.png'));
      },
    },
    {
      name: "cucumber.html: a scenario's timeline is visible",
      run: async (page) => {
        if (facts.timelines === 0)
          throw new Error(
            `no ${TIMELINE_FILE_NAME} attachment in messages.ndjson: the After hook must attach the timeline`,
          );
        const timeline = page.locator(`details:has(> summary:text-is("${TIMELINE_FILE_NAME}"))`);
        await openCucumberReport(page, join(dir, 'cucumber.html'), timeline);
        await expandImage(timeline.first(), 'the timeline', join(screens, 'timeline.png'));
      },
    },
  ];
}

/**
 * Runs the on-purpose failing demo scenario into <reports>/failing-run/ (once per browser test)
 * and returns that directory. Its exit code must say failed; its reports must exist.
 */
let failingRunDir: string | undefined;
function failingRun(dir: string): string {
  if (failingRunDir) return failingRunDir;
  const out = join(dir, 'failing-run');
  rmSync(out, { recursive: true, force: true });
  const run = spawnSync('npx', ['cucumber-js', '--tags', '@demo-failure'], {
    env: { ...process.env, TIDAL_REPORTS_DIR: out, FORCE_COLOR: '0' },
    encoding: 'utf8',
    timeout: FAILING_RUN_MS,
  });
  if (run.error) throw new Error(`the failing demo run did not finish: ${run.error.message}`);
  if (run.status === 0) throw new Error('the @demo-failure run exited 0: it must fail');
  if (!existsSync(join(out, 'summary.html')))
    throw new Error(
      `the failing demo run wrote no ${join(out, 'summary.html')}:\n${run.stdout}\n${run.stderr}`,
    );
  failingRunDir = out;
  return out;
}

/** Loads a local page and fails on anything it fetches from the network or any script error. */
async function open(page: Page, path: string): Promise<void> {
  if (!existsSync(path)) throw new Error(`${path} not found: run the suite first (npm run uat)`);
  const problems: string[] = [];
  page.on('request', (request) => {
    if (!/^(file|data|blob|about):/.test(request.url())) problems.push(`fetched ${request.url()}`);
  });
  page.on('pageerror', (error) => problems.push(`script error: ${error.message}`));
  await page.goto(pathToFileURL(path).href, { waitUntil: 'load', timeout: WAIT_MS });
  if (problems.length > 0) throw new Error(`${path}: ${problems.join('; ')}`);
}

/**
 * Cucumber's report folds passing features, and within a scenario folds its passing hooks
 * ("2 hooks") — where the attachments live. Unfold features one at a time, and their hooks,
 * until `wanted` renders (unfolding a whole large suite takes longer than the checks may wait).
 */
async function openCucumberReport(page: Page, path: string, wanted: Locator): Promise<void> {
  await open(page, path);
  await page.getByText('Scenarios', { exact: true }).first().waitFor({ state: 'visible', timeout: WAIT_MS });
  const folded = page.locator('button[slot="trigger"][aria-expanded="false"]');
  const hooks = page.getByRole('button', { name: /^\d+ hooks?$/ });
  for (let left = await folded.count(); left > 0 && (await wanted.count()) === 0; left -= 1) {
    await folded.first().click({ timeout: WAIT_MS });
    for (let n = Math.min(await hooks.count(), 20); n > 0 && (await wanted.count()) === 0; n -= 1) {
      await hooks.first().click({ timeout: WAIT_MS });
    }
  }
}

/** Unfolds an image attachment, checks its image decoded, and screenshots it. */
async function expandImage(attachment: Locator, what: string, screenshot: string): Promise<void> {
  await attachment.locator('summary').click({ timeout: WAIT_MS });
  const image = attachment.locator('img');
  await image.waitFor({ state: 'visible', timeout: WAIT_MS });
  const widthPx = await image.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth);
  if (widthPx === 0) throw new Error(`${what}'s image did not decode (naturalWidth 0)`);
  await image.scrollIntoViewIfNeeded();
  await attachment.screenshot({ path: screenshot });
}

/** The region state table beside the chart, when the run attached one (shown, not checked). */
async function screenshotRegionTable(page: Page, path: string): Promise<void> {
  const table = page.locator('details:has(> summary:text-is("region-state.md"))').first();
  if ((await table.count()) === 0) return;
  await table.locator('summary').click({ timeout: WAIT_MS });
  await table.screenshot({ path });
}

async function runAll(list: Check[], browser: Browser): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const check of list) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await check.run(page);
      outcomes.push({ name: check.name, status: 'passed' });
    } catch (error) {
      outcomes.push({
        name: check.name,
        status: 'failed',
        detail: error instanceof Error ? error.message : String(error),
      });
    } finally {
      await page.close();
    }
  }
  return outcomes;
}

function report(outcomes: Outcome[]): number {
  outcomes.forEach((o, i) => {
    const line = `${o.status === 'failed' ? 'not ok' : 'ok'} ${i + 1} - ${o.name}`;
    console.log(o.status === 'skipped' ? `${line} # SKIP ${o.detail ?? ''}` : line);
    if (o.detail && o.status === 'failed') console.log(`  # ${o.detail.split('\n').join('\n  # ')}`);
  });
  const count = (s: Outcome['status']) => outcomes.filter((o) => o.status === s).length;
  console.log(`${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped`);
  return count('failed') > 0 ? 1 : 0;
}

async function main(): Promise<number> {
  const dir = reportsDir();
  const list = checks(dir, readReportFacts(join(dir, 'messages.ndjson')));
  if (!existsSync(CHROMIUM_PATH)) {
    const detail = `${CHROMIUM_PATH} not found: install Debian's chromium (apt-get install -y chromium) to run the browser test`;
    return report(list.map((c) => ({ name: c.name, status: 'skipped', detail })));
  }
  mkdirSync(join(dir, 'screens'), { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
  try {
    const code = report(await runAll(list, browser));
    console.log(`# screenshots: ${join(dir, 'screens')}`);
    return code;
  } finally {
    await browser.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    console.log('0 passed, 1 failed, 0 skipped');
    process.exit(1);
  },
);
