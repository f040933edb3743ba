/** Public API of the randomized fault simulator: scripts and steps import only from here. */
export { BUGS, BUG_NAMES, bugSwitch, type BugName, type BugSwitch } from './bugs';
export {
  CONVERGENCE_TIMEOUT_MS,
  healAndCheck,
  signatureOf,
  type SimChecker,
  type SimViolation,
} from './checkers';
export { generateSchedule } from './generate';
export { sayings, toGherkin, type GherkinOptions } from './gherkin';
export { endItem, openSession, startItem, type Heal, type Op } from './apply';
export { SIMULATION_STEPS, sessionName, type Home, type Rows, type Said, type Sentence } from './grammar';
export { SENTENCES, say, sentencesOf } from './sentences';
export { networkFaultsFromRow, shapeFromRows } from './tables';
export {
  DEFAULT_OPTIONS,
  FAULT_FAMILIES,
  PIN_FLAGS,
  checkOptions,
  formatFaults,
  parseFaults,
  replayCommand,
  type FaultFamily,
  type SimOptions,
} from './options';
export { failureReport } from './report';
export { runSchedule, type ItemOutcome, type RunResult, type RunStats } from './runner';
export {
  describeSize,
  EMPHASES,
  horizonMs,
  parseSchedule,
  type Emphasis,
  type Item,
  type Mix,
  type Schedule,
} from './schedule';
export { REGION_NAMES, SIM_SCHEMA, clusterConfig } from './setup';
export { describeShape, drawMix, drawShape } from './swarm';
export { shrink, type ShrinkResult } from './shrink';
export { investigate, simulate, type Failure, type Summary } from './simulate';
