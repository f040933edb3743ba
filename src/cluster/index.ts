/**
 * Public API of the deterministic cluster simulator: what code outside `src/cluster` uses.
 * Other code imports only from here; the report layer also reads the plain data shapes of
 * `report-data.ts`, which depend on nothing.
 */

// The cluster a scenario drives: the interface any deployment implements, and the simulator's.
export type {
  Awaitable,
  Cluster,
  ClientSession,
  ClusterFactory,
  ExtraAttachment,
  FlappingHandle,
  PartitionHandle,
  SimulatorControls,
  TenantClient,
} from './api';
export { SimulatedCluster } from './cluster';
export type { ClusterConfig, ClusterLogger, ClusterWriteOptions, PartitionPolicy } from './config';
export { chooseFailoverTarget, type FailoverCandidates, type FailoverResult } from './failover';
export { ClusterSession, SessionWrites, type SessionRead, type TenantView } from './sessions';
export { REGION_NAMES, SCENARIO_SCHEMA, regionNames } from './conventions';

// Parts other code builds on: virtual time, seeded streams, the network and its partitions.
export { Scheduler } from './scheduler';
export { SeededRng } from './rng';
export { SimulatedNetwork, type NetworkFaults } from './network';
export { PartitionTable, type NetworkPartition } from './partitions';
export { cutsBetween, type ClusterSnapshot, type FaultSpan, type RegionStateRow } from './report-data';

// Errors a caller of the cluster can get.
export {
  ConvergenceTimeoutError,
  FailoverRefusedError,
  InvariantViolationError,
  SimulatorOnlyError,
  type LaggingReplica,
  type Violation,
} from './errors';

// The promise checker and the questions steps ask of a run (each reads a ClusterView).
export {
  BAD_INPUT_JUDGED_WHERE_SENT,
  CONVERGENCE_TIMEOUT_MS,
  PROMISES,
  convergedAfterHeal,
  healAndCheck,
  type PromiseCheck,
  type UncheckedPromise,
} from './checkers/promises';
// The same checker on a real deployment: from the recorded history and the nodes' reported states.
export {
  NOT_JUDGED_FROM_REPORTS,
  checkReportedRun,
  droppedFromReports,
  type ReportedReplica,
  type ReportedRun,
} from './checkers/reported';
export { engineContent, reportedContent, type ContentEntry, type ReplicaContent } from './checkers/content';
export { reportedRunOf, stateResponseOf, type DroppedEvents } from './checkers/state-of';
export type { WriteRecord } from './checkers/history';
export { checkAckPromise, checkIdempotency } from './checkers/idempotency';
export { checkRetries } from './checkers/retries';
export {
  lostWriteRows,
  replicaStates,
  stateChanges,
  writesMissing,
  type ReplicaState,
} from './checkers/durability';
export { countsInEveryRegion, shardLoads } from './checkers/counts';
export { logOrderViolations, scoreDisagreements } from './checkers/agreement';
export {
  confirmedBy,
  fullStateBytes,
  lagGaugeFor,
  lastHealMs,
  reconciliationSince,
  reconciliationTotals,
  referenceDisagreements,
  referenceSignalState,
  refusals,
  signalStateInEveryRegion,
  type ReconciliationTotals,
} from './checkers/convergence';

// Simulator-only: crafted bad batches delivered past the network.
export { sendBadBatch } from './bad-batches';
