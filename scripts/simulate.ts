/**
 * `npm run simulate -- --seeds 1000 [--from 1] [--regions 3] [--shards 4] [--ops 2000]
 *   [--faults all|none|partitions,drops,...] [--ack leader|quorum]
 *   [--policy leader-only|accept-local] [--bug NAME]`
 *
 * Runs seeded random workloads against random fault schedules on fresh simulated clusters and
 * checks every promise after each. Prints a progress bar (stderr; a plain line every N seeds
 * when stderr is not a terminal) and a summary; for each failing seed, its replay command, its
 * shrunk schedule as Gherkin, and a report under reports/simulate/<seed>.json. Exits 1 when a
 * seed fails. `--schedule <report.json>` replays a stored (shrunk) schedule without the generator.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  BUG_NAMES,
  DEFAULT_OPTIONS,
  EMPHASES,
  PIN_FLAGS,
  describeShape,
  FAULT_FAMILIES,
  checkOptions,
  describeSize,
  failureReport,
  parseFaults,
  parseSchedule,
  runSchedule,
  simulate,
  toGherkin,
  type BugName,
  type Failure,
  type SimOptions,
  type Summary,
} from '../src/sim';

const REPORT_DIR = path.join('reports', 'simulate');

interface Cli {
  seeds: number;
  from: number;
  options: SimOptions;
  shrink: boolean;
  shrinkBudgetMs: number;
  maxFailures: number;
  progressEvery: number;
  schedule?: string;
  whole: boolean;
}

const USAGE = `usage: npm run simulate -- [--seeds 100] [--from 1] [--ops ${DEFAULT_OPTIONS.ops}]
    [--faults all|none|${FAULT_FAMILIES.join(',')}] [--bug ${BUG_NAMES.join('|')}]
    every seed draws its cluster and mix; pin a dimension with:
    [--regions 2..5] [--shards 1..8] [--ack leader|quorum] [--policy leader-only|accept-local]
    [--latency-ms 5] [--jitter-ms 0] [--max-drift-ms 1000] [--retention-ms 600000]
    [--batch-events 512] [--window-batches 8] [--storage durable|ephemeral]
    [--emphasis ${EMPHASES.join('|')}]
    [--no-shrink] [--shrink-budget-s 60] [--max-failures 10] [--progress-every 100]
    [--schedule reports/simulate/<seed>.json [--whole]]`;

function parseCli(argv: string[]): Cli {
  const text = { type: 'string' } as const;
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        seeds: text,
        from: text,
        ops: text,
        faults: text,
        bug: text,
        'no-shrink': { type: 'boolean' },
        'shrink-budget-s': text,
        'max-failures': text,
        'progress-every': text,
        schedule: text,
        whole: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(PIN_FLAGS.map(([flag]) => [flag, text])),
      },
    }).values;
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${USAGE}`);
  }

  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const int = (flag: string, fallback: number): number => {
    const v = values[flag];
    if (v === undefined) return fallback;
    const n = Number(v);
    if (typeof v !== 'string' || !Number.isSafeInteger(n) || n < 0)
      throw new Error(`--${flag} needs a non-negative integer, got ${String(v)}\n${USAGE}`);
    return n;
  };
  const options: SimOptions = {
    ...DEFAULT_OPTIONS,
    ...(typeof values.faults === 'string' ? { faults: parseFaults(values.faults) } : {}),
    ...(typeof values.bug === 'string' ? { bug: values.bug as BugName } : {}),
  };
  for (const [flag, field, kind] of PIN_FLAGS) {
    const v = values[flag];
    if (typeof v === 'string')
      (options as unknown as Record<string, unknown>)[field] = kind === 'int' ? int(flag, 0) : v;
  }
  options.ops = int('ops', options.ops);
  checkOptions(options);
  return {
    seeds: int('seeds', 100),
    from: int('from', 1),
    options,
    shrink: values['no-shrink'] !== true,
    shrinkBudgetMs: int('shrink-budget-s', 60) * 1000,
    maxFailures: Math.max(1, int('max-failures', 10)),
    progressEvery: Math.max(1, int('progress-every', 100)),
    ...(typeof values.schedule === 'string' ? { schedule: values.schedule } : {}),
    whole: values.whole === true,
  };
}

/** The progress bar on a terminal; a plain line every N seeds otherwise. */
function progress(cli: Cli): {
  seed: (done: number, total: number, failures: number, simMs: number, wallMs: number) => void;
  clear: () => void;
} {
  const tty = process.stderr.isTTY === true;
  let lastDraw = 0;
  let drawn = false;
  return {
    seed(done, total, failures, simMs, wallMs) {
      const rate = (done * 1000) / Math.max(1, wallMs);
      const status = `${done}/${total} seeds · ${failures} failing · ${rate.toFixed(1)} seeds/s · ${Math.round(simMs / Math.max(1, wallMs))}× real time`;
      if (tty) {
        const now = performance.now();
        if (done !== total && now - lastDraw < 100) return;
        lastDraw = now;
        const width = 30;
        const filled = Math.round((done / Math.max(1, total)) * width);
        process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${status}\x1b[K`);
        drawn = true;
      } else if (done % cli.progressEvery === 0 || done === total) {
        process.stderr.write(`simulate: ${status}\n`);
      }
    },
    clear() {
      if (tty && drawn) process.stderr.write('\r\x1b[K');
      drawn = false;
    },
  };
}

function writeReport(failure: Failure): string {
  fs.mkdirSync(REPORT_DIR, { recursive: true });
  const file = path.join(REPORT_DIR, `${failure.seed}.json`);
  fs.writeFileSync(file, JSON.stringify(failureReport(failure), null, 2));
  return file;
}

function printFailure(failure: Failure, file: string): void {
  const out: string[] = [];
  out.push(`✗ seed ${failure.seed} broke ${failure.violations.length} promise(s):`);
  out.push(
    `    drawn: ${describeShape(failure.schedule.cluster)}${failure.schedule.mix ? ` · ${failure.schedule.mix.emphasis}` : ''}`,
  );
  for (const v of failure.violations.slice(0, 5)) out.push(`    [${v.checker}] ${v.message}`);
  if (failure.violations.length > 5)
    out.push(`    … and ${failure.violations.length - 5} more (see the report)`);
  out.push(`  replay: ${failure.replay}`);
  if (failure.shrunk)
    out.push(
      `  shrunk from ${failure.shrunk.from} to ${failure.shrunk.to} items in ${failure.shrunk.runs} runs; still breaks the ${failure.checker} check:`,
    );
  out.push(`  report: ${file} (history, fault timeline, violations, shrunk schedule)`);
  out.push(`  replay the shrunk schedule: npm run simulate -- --schedule ${file}`);
  out.push('  as a scenario (paste into a feature file):', '', failure.gherkin);
  process.stdout.write(`${out.join('\n')}\n`);
}

function duration(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s - m * 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

function printSummary(cli: Cli, s: Summary): void {
  const last = cli.from + s.seedsRun - 1;
  const lines = [
    '',
    `seeds run:               ${s.seedsRun} (${cli.from}..${last})${s.stoppedEarly ? `, stopped after ${s.failures.length} failing seeds` : ''}`,
    `failures:                ${s.failures.length}${s.failures.length ? ` (seeds ${s.failures.map((f) => f.seed).join(', ')})` : ''}`,
    `simulated time:          ${duration(s.simulatedMs)} (${Math.round(s.simulatedMs)} virtual ms)`,
    `wall time:               ${duration(s.wallMs)}`,
    `simulated-to-wall ratio: ${s.ratio.toFixed(0)}× (virtual ms per wall ms, over the seeds' runs)`,
    `seeds per second:        ${s.seedsPerSecond.toFixed(2)}`,
    `simulation tasks:        ${s.tasks} (${Math.round((s.tasks * 1000) / Math.max(1, s.wallMs))} per wall second)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function replayFile(cli: Cli): Promise<number> {
  const report = JSON.parse(fs.readFileSync(cli.schedule!, 'utf8')) as {
    options?: SimOptions;
    shrunk?: { schedule: unknown };
    schedule?: unknown;
  };
  const stored = cli.whole || !report.shrunk ? (report.schedule ?? report) : report.shrunk.schedule;
  const schedule = parseSchedule(stored);
  const bug = report.options?.bug;
  const t0 = performance.now();
  const result = await runSchedule(schedule, { bug });
  const wallMs = performance.now() - t0;
  process.stdout.write(
    `replayed seed ${schedule.seed} (${describeSize(schedule)}${bug ? `, bug ${bug}` : ''}) in ${wallMs.toFixed(0)} ms wall, ${Math.round(result.simulatedMs)} virtual ms\n`,
  );
  for (const v of result.violations) process.stdout.write(`  [${v.checker}] ${v.message}\n`);
  process.stdout.write(
    result.violations.length
      ? `\n${toGherkin(schedule, { bug, outcomes: result.outcomes })}`
      : '  no violation: every promise held\n',
  );
  return result.violations.length ? 1 : 0;
}

async function main(): Promise<number> {
  const cli = parseCli(process.argv.slice(2));
  if (cli.schedule) return replayFile(cli);
  const bar = progress(cli);
  const started = performance.now();
  let failing = 0;
  let simMs = 0;
  const pinned = PIN_FLAGS.filter(([, field]) => cli.options[field] !== undefined)
    .map(([name, field]) => `${name} ${cli.options[field]}`)
    .join(', ');
  process.stderr.write(
    `simulate: ${cli.seeds} seeds from ${cli.from}, ${cli.options.ops} operations each, faults ${cli.options.faults.join(',') || 'none'}; each seed draws its cluster${pinned ? ` (pinned: ${pinned})` : ''}${cli.options.bug ? `; bug ${cli.options.bug}` : ''}\n`,
  );
  const summary = await simulate(
    {
      from: cli.from,
      seeds: cli.seeds,
      options: cli.options,
      shrink: cli.shrink,
      shrinkBudgetMs: cli.shrinkBudgetMs,
      maxFailures: cli.maxFailures,
    },
    {
      now: () => performance.now(),
      onSeed: (_seed, result, done, total) => {
        simMs += result.simulatedMs;
        if (result.violations.length) failing++;
        bar.seed(done, total, failing, simMs, performance.now() - started);
      },
      onShrink: ({ seed, runs, items }) => {
        if (process.stderr.isTTY)
          process.stderr.write(`\r  shrinking seed ${seed}: ${items} items after ${runs} runs\x1b[K`);
      },
      onFailure: (failure) => {
        bar.clear();
        printFailure(failure, writeReport(failure));
      },
    },
  );
  bar.clear();
  printSummary(cli, summary);
  return summary.failures.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`simulate: ${err.message}\n`);
    process.exit(2);
  },
);
