/** Public API of the tidalDB replication engine: other code imports only from here. */
export * from './errors';
export * from './ids';
export { invariant, InvariantViolation } from './assert';
export {
  ManualClock,
  SystemClock,
  SystemTimers,
  type Clock,
  type Rng,
  type TimerHandle,
  type Timers,
} from './clock';
export { Schema, type SchemaSpec, type SignalSpec } from './schema';
export { addDecayed, decayFactor, decaySum, readDecayed, scoresMatch, type DecayAccumulator } from './decay';
export { crc32c } from './crc32c';
export { fnv1a32, fnv1a64 } from './hash';
export { HybridClock, compareHlc, formatHlc, type Hlc, type HlcObserver } from './hlc';
export { PNCounter } from './crdt/pn-counter';
export { LWWRegister } from './crdt/lww-register';
export { CrdtSignalState, type OriginState, type LastWrite } from './crdt/signal-state';
export { encodeStates, decodeStates, type StateItem } from './crdt/state-codec';
export {
  decodeHeader,
  writeHeaderV1,
  restampV2,
  FLAG_KEYED,
  FLAG_LOCAL,
  FLAG_MERGE,
  HEADER_V1_BYTES,
  HEADER_V2_BYTES,
  type BatchHeader,
} from './batch/header';
export { BatchCodec, originKey, type Batch, type SignalEvent } from './batch/codec';
export { MemoryStorage, FileStorage, type WalStorage } from './wal/storage';
export { Wal, segmentName, type RecoveryReport, type WalOptions, type WalRecord } from './wal/wal';
export { ShardRouter, jumpHash, loadSpread, routingKeyHash } from './routing/shard-router';
export { TenantRouter, type TenantPlacement } from './routing/tenant-router';
export { ControlPlane, ReplicationLagGauge, type Topology, type ShardTopology } from './control-plane';
export {
  InProcessTransportFactory,
  type Endpoint,
  type Link,
  type Transport,
  type TransportStats,
} from './transport';
export { WalShipper, type ShipperOptions, type ShipperStats } from './replication/shipper';
export { FollowerDb, type FollowerStats } from './replication/follower';
export { ReconciliationEngine, type ReconciliationStats } from './replication/reconciliation';
export { AckStatus, FrameCodec, FrameType, isBatch, type Ack, type Frame } from './replication/messages';
export { SignalStore, DIGEST_BUCKETS } from './store';
export {
  DEFAULT_IDEMPOTENCY_RETENTION_MS,
  IdempotencyStore,
  fingerprintOf,
  type IdempotentAck,
} from './idempotency';
export { Session, type LogMark, type SessionOptions, type SessionPolicy } from './session';
export {
  TidalDb,
  TidalDbBuilder,
  type AckPolicy,
  type EngineEvent,
  type NodeConfig,
  type NodeRole,
  type TidalDbOptions,
  type WriteAck,
  type WriteOptions,
} from './tidal-db';
