/**
 * Simulation at fleet scale: seeds on every core (a worker pool whose output is in seed order),
 * on every machine (shards of a range and the merge of their reports), and for a time (a soak).
 */
export { runFleet, type FleetPlan, type FleetSummary, type HeapFigures } from './fleet';
export { runSeed, type FailureRecord, type SeedConfig, type SeedOutcome } from './outcome';
export {
  PlanError,
  WHOLE,
  formatDuration,
  parseDuration,
  parseShard,
  seedsInShard,
  shardSeeds,
  type Shard,
} from './plan';
export { errorLines, failureLines, statusLine, summaryLines, type Progress } from './print';
export { RUN_REPORT_FORMAT, runReport, type RunIdentity, type RunReport } from './run-report';
export { MergeError, asRunReport, mergeReports, mergedMarkdown, mergedText, type MergedRun } from './merge';
