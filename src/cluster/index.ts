/** Public API of the deterministic cluster simulator: other code imports only from here. */
export { SimulatedCluster } from './cluster';
export type { Cluster, ClientSession, SimulatorControls, TenantClient } from './api';
export type { ClusterConfig, ClusterLogger, ClusterWriteOptions, PartitionPolicy } from './config';
export type { FailoverResult } from './failover';
export { PartitionTable, type NetworkPartition } from './partitions';
export type { Rejection } from './observations';
export { SimulatedNode } from './node';
export { ClusterSession, TenantView, type SessionRead } from './sessions';
export {
  CHECKERS,
  ConvergenceTimeoutError,
  FailoverRefusedError,
  InvariantViolationError,
  type LaggingReplica,
  type Violation,
} from './errors';
export { SeededRng } from './rng';
export { Scheduler, NodeTimers } from './scheduler';
export { NodeClock } from './clock';
export {
  SimulatedNetwork,
  type NetworkConfig,
  type NetworkFaults,
  type LinkSelector,
  type NetworkStats,
} from './network';
export { Nemesis, type FlapOptions, type Flapping } from './nemesis';
export { History, hlcKey, type WriteRecord, type ReadRecord, type DroppedRecord } from './checkers/history';
export { HlcMonitor } from './checkers/hlc';
export {
  CONVERGENCE_TIMEOUT_MS,
  PROMISES,
  checkPromises,
  healAndCheck,
  type PromiseCheck,
} from './checkers/promises';
export {
  checkAckPromise,
  checkIdempotency,
  checkRetryAnswers,
  type FailoverRecord,
} from './checkers/idempotency';
export {
  lostWriteRows,
  replicaStates,
  stateChanges,
  writesMissing,
  type LostWriteRow,
  type ReplicaState,
} from './checkers/durability';
export { BAD_BATCH_KINDS, sendBadBatch, type BadBatch, type BadBatchKind } from './bad-batches';
export { countsInEveryRegion, shardLoads, type RegionCount } from './checkers/counts';
export { checkRetries, type RetryCheck } from './checkers/retries';
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
  type LagReading,
  type ReconciliationTotals,
  type RegionSignalState,
} from './checkers/convergence';
export {
  cutsBetween,
  describeFault,
  type ClusterSnapshot,
  type Fault,
  type FaultKind,
  type FaultSpan,
  type LagSample,
  type RegionStateRow,
  type ScoreSample,
} from './report-data';
export { scoreDisagreements, logOrderViolations, type ScoreDisagreement } from './checkers/agreement';
export { REGION_NAMES, SCENARIO_SCHEMA, regionNames } from './conventions';
