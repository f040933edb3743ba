/**
 * Public API of the randomized fault simulator: what the simulate command, the steps and the
 * benchmarks use. Other code imports only from here.
 */

// Running seeds: options, the run, the summary and a failure's report (scripts/simulate.ts).
export {
  DEFAULT_OPTIONS,
  FAULT_FAMILIES,
  PIN_FLAGS,
  checkOptions,
  parseFaults,
  type SimOptions,
} from './options';
export { simulate, type Failure, type Summary } from './simulate';
export { failureReport } from './report';
export { runSchedule } from './runner';
export { EMPHASES, describeSize, parseSchedule } from './schedule';
export { clusterConfig } from './setup';
export { describeShape } from './swarm';

// Bugs planted on purpose, to prove each checker catches its own.
export { BUG_NAMES, bugSwitch, type BugName } from './bugs';

// A schedule as Gherkin, and back: the printer, the sentence table, applying what a sentence says.
export { toGherkin } from './gherkin';
export { SIMULATION_STEPS, sessionName, type Said } from './grammar';
export { sentencesOf } from './sentences';
export { shapeFromRows } from './tables';
export { endItem, openSession, startItem } from './apply';

// Fleet scale: worker threads, shards and their merge, soaks (scripts/simulate.ts, simulate-merge.ts).
export * from './fleet';
