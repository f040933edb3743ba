/**
 * `npm run simulate -- --seeds 1000 [--from 1] [--workers N] [--shard i/n] [--duration 10m]
 *   [--json <file>] [--regions 3] [--shards 4] [--ops 2000] [--faults all|none|partitions,...]
 *   [--ack leader|quorum] [--policy leader-only|accept-local] [--bug NAME]`
 *
 * Runs seeded random workloads against random fault schedules on fresh simulated clusters and
 * checks every promise after each, on a pool of worker threads (default: one per core). Output
 * is in seed order whatever the number of workers: a progress bar (stderr; a plain line every N
 * seeds when stderr is not a terminal), each failing seed with its replay command, its shrunk
 * schedule as Gherkin and a report under reports/simulate/<seed>.json, and a summary with heap
 * figures. `--shard i/n` runs every n-th seed of the range (as cucumber-js shards scenarios);
 * `--json` (default reports/simulate/run.json or shard-i-of-n.json) keeps the run's report for
 * `npm run simulate:merge`. Exits 1 when a seed fails or cannot be judged. `--schedule
 * <report.json>` replays a stored (shrunk) schedule without the generator.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  BUG_NAMES,
  DEFAULT_OPTIONS,
  EMPHASES,
  PIN_FLAGS,
  FAULT_FAMILIES,
  checkOptions,
  describeSize,
  errorLines,
  failureLines,
  formatDuration,
  parseDuration,
  parseFaults,
  parseSchedule,
  parseShard,
  runFleet,
  runReport,
  runSchedule,
  seedsInShard,
  statusLine,
  summaryLines,
  toGherkin,
  WHOLE,
  type BugName,
  type FleetPlan,
  type Progress,
  type SimOptions,
} from '../src/sim';

const REPORT_DIR = path.join('reports', 'simulate');

interface Cli {
  plan: FleetPlan;
  shrink: boolean;
  progressEvery: number;
  json: string;
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
    [--workers ${os.availableParallelism()} (the cores)] [--shard i/n] [--duration 30s|10m|1h]
    [--json reports/simulate/run.json] [--seed-timeout-s 120]
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
        workers: text,
        shard: text,
        duration: text,
        json: text,
        'seed-timeout-s': text,
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
  const durationMs = typeof values.duration === 'string' ? parseDuration(values.duration) : undefined;
  // A timed run draws seeds until the time is up, unless --seeds bounds it too.
  const seeds = values.seeds === undefined && durationMs !== undefined ? undefined : int('seeds', 100);
  const shard = typeof values.shard === 'string' ? parseShard(values.shard) : WHOLE;
  if (seeds !== undefined && seedsInShard(seeds, shard) === 0)
    throw new Error(
      `--shard ${shard.index}/${shard.count} gets no seed of --seeds ${seeds}; run fewer shards`,
    );
  const workers = int('workers', os.availableParallelism());
  if (workers < 1) throw new Error(`--workers needs at least 1, got ${workers}`);
  const shrink = values['no-shrink'] !== true;
  const json =
    typeof values.json === 'string'
      ? values.json
      : path.join(REPORT_DIR, shard.count > 1 ? `shard-${shard.index}-of-${shard.count}.json` : 'run.json');
  return {
    plan: {
      from: int('from', 1),
      ...(seeds !== undefined ? { seeds } : {}),
      ...(durationMs !== undefined ? { durationMs } : {}),
      shard,
      config: { options, shrink, shrinkBudgetMs: int('shrink-budget-s', 60) * 1000 },
      workers,
      seedTimeoutMs: Math.max(1, int('seed-timeout-s', 120)) * 1000,
      maxFailures: Math.max(1, int('max-failures', 10)),
    },
    shrink,
    progressEvery: Math.max(1, int('progress-every', 100)),
    json,
    ...(typeof values.schedule === 'string' ? { schedule: values.schedule } : {}),
    whole: values.whole === true,
  };
}

/**
 * The progress bar on a terminal; otherwise a plain line every N seeds, every 10 s of a timed
 * run, and at the end.
 */
function progressBar(every: number): { show: (p: Progress, last: boolean) => void; clear: () => void } {
  const tty = process.stderr.isTTY === true;
  let lastDraw = 0;
  let drawn = false;
  let printedDone = -1;
  return {
    show(p, last) {
      const status = statusLine(p);
      const now = performance.now();
      if (tty) {
        if (!last && now - lastDraw < 100) return;
        lastDraw = now;
        const width = 30;
        const part =
          p.total !== undefined ? p.done / Math.max(1, p.total) : p.wallMs / (p.durationMs ?? p.wallMs);
        const filled = Math.min(width, Math.round(part * width));
        process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${status}\x1b[K`);
        drawn = true;
        return;
      }
      const due = p.done % every === 0 || (p.durationMs !== undefined && now - lastDraw >= 10_000);
      if (printedDone === p.done || !(due || last)) return;
      lastDraw = now;
      printedDone = p.done;
      process.stderr.write(`simulate: ${status}\n`);
    },
    clear() {
      if (tty && drawn) process.stderr.write('\r\x1b[K');
      drawn = false;
    },
  };
}

function reportFile(seed: number): string {
  return path.join(REPORT_DIR, `${seed}.json`);
}

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
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
  const { plan } = cli;
  const options = plan.config.options;
  const bar = progressBar(cli.progressEvery);
  const total = plan.seeds === undefined ? undefined : seedsInShard(plan.seeds, plan.shard);
  const pinned = PIN_FLAGS.filter(([, field]) => options[field] !== undefined)
    .map(([name, field]) => `${name} ${options[field]}`)
    .join(', ');
  const range =
    plan.seeds === undefined ? `seeds from ${plan.from}` : `${plan.seeds} seeds from ${plan.from}`;
  const shardNote =
    plan.shard.count > 1 ? ` (shard ${plan.shard.index}/${plan.shard.count}: ${total} of them)` : '';
  const timed = plan.durationMs === undefined ? '' : ` for ${formatDuration(plan.durationMs)}`;
  process.stderr.write(
    `simulate: ${range}${shardNote}${timed}, ${options.ops} operations each, faults ${options.faults.join(',') || 'none'}; each seed draws its cluster${pinned ? ` (pinned: ${pinned})` : ''}${options.bug ? `; bug ${options.bug}` : ''}; ${plan.workers} worker${plan.workers === 1 ? '' : 's'}\n`,
  );
  const started = performance.now();
  let failing = 0;
  let simulatedMs = 0;
  let last: Progress | undefined;
  const run = runFleet(plan, {
    now: () => performance.now(),
    onOutcome: (o, done) => {
      simulatedMs += o.simulatedMs;
      if (o.failure || o.error !== undefined) {
        failing++;
        bar.clear();
        const lines = o.failure
          ? failureLines(o.failure, reportFile(o.seed))
          : errorLines(o.seed, o.error!, options);
        if (o.failure) writeJson(reportFile(o.seed), o.failure.report);
        process.stdout.write(`${lines.join('\n')}\n`);
      }
      const p: Progress = {
        done,
        ...(total !== undefined ? { total } : {}),
        failing,
        simulatedMs,
        wallMs: performance.now() - started,
        ...(plan.durationMs !== undefined ? { durationMs: plan.durationMs } : {}),
      };
      bar.show(p, done === total);
      last = p;
    },
  });
  let interrupts = 0;
  process.on('SIGINT', () => {
    if (++interrupts > 1) {
      process.stderr.write('simulate: interrupted again; quitting at once\n');
      process.exit(130);
    }
    process.stderr.write('\nsimulate: interrupted; stopping the workers (Ctrl-C again to quit at once)\n');
    run.interrupt();
  });
  const summary = await run.done;
  if (last) bar.show(last, true);
  bar.clear();
  const identity = {
    from: plan.from,
    seeds: plan.seeds ?? null,
    durationMs: plan.durationMs ?? null,
    options,
    shrink: cli.shrink,
    maxFailures: plan.maxFailures,
  };
  writeJson(cli.json, runReport(identity, plan.shard, summary, reportFile));
  process.stdout.write(
    `${[...summaryLines(summary, plan.shard), `run report:              ${cli.json}`].join('\n')}\n`,
  );
  if (summary.interrupted) return 130;
  return summary.failures.length + summary.errors.length ? 1 : 0;
}

/** Exits once stdout has taken everything written (process.exit alone can cut a pipe's last lines). */
function exitAfterOutput(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

main().then(
  (code) => exitAfterOutput(code),
  (err: Error) => {
    process.stderr.write(`simulate: ${err.message}\n`);
    process.exit(2);
  },
);
