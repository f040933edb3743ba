/**
 * What a failing seed leaves behind in reports/simulate/<seed>.json: the replay command, the
 * options, the violations, the run's operation history and fault timeline, the whole schedule,
 * and the shrunk schedule with its own violations and its Gherkin scenario. Plain data: the CLI
 * writes it, and `--schedule <file>` replays the shrunk (or whole) schedule from it.
 */
import type { Failure } from './simulate';

export function failureReport(failure: Failure): Record<string, unknown> {
  const c = failure.result.cluster;
  return {
    seed: failure.seed,
    replay: failure.replay,
    options: failure.options,
    checker: failure.checker,
    violations: failure.violations,
    stats: failure.result.stats,
    simulatedMs: failure.result.simulatedMs,
    shrunk: failure.shrunk && {
      from: failure.shrunk.from,
      to: failure.shrunk.to,
      runs: failure.shrunk.runs,
      violations: failure.shrunk.result.violations,
      gherkin: failure.gherkin,
      schedule: failure.shrunk.schedule,
    },
    gherkin: failure.gherkin,
    history: {
      writes: c.history.writes,
      reads: c.history.reads,
      dropped: c.history.dropped,
    },
    faultTimeline: c.faultTimeline(),
    schedule: failure.schedule,
  };
}
