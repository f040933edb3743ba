/**
 * Public API of the tidalDB replication engine: what code outside `src/engine` uses, and nothing
 * more. Other code imports only from here (the parts a replica is made of stay inside).
 */

// A replica and how it is built: `TidalDb.builder()…open()`; a write's acknowledgement; events.
export { ENGINE_NAME, ENGINE_VERSION } from './version';
export { TidalDb, type AckPolicy, type EngineEvent, type NodeRole } from './tidal-db';
export type { WriteAck } from './write-ack';
export type { ShipperOptions } from './replication/shipper';

// Every error the engine throws to a caller: a typed class that says what was wrong and what to do.
export {
  ClockSkewError,
  CorruptBatchError,
  CrossTenantAccessError,
  IdempotencyConflictError,
  InvalidInputError,
  NodeStateError,
  OutOfOrderBatchError,
  StaleEpochError,
  StaleReadError,
  TidalError,
  UnavailableError,
  UnknownSignalError,
  WalRecoveryError,
  WriteNotCommittedError,
  WrongShardError,
} from './errors';

// Checks of the ids and values a caller passes in (each throws InvalidInputError).
export { checkKey, checkRegionId, checkShardId } from './ids';

// Time and randomness are injected: a clock, timers and an Rng are all the engine reads.
export { SystemClock, SystemTimers, type Clock, type Rng, type TimerHandle, type Timers } from './clock';
export { HybridClock, compareHlc, formatHlc, type Hlc } from './hlc';

// Signals and their decayed scores.
export { Schema, type SchemaSpec } from './schema';
export { addDecayed, decaySum, scoresMatch, type DecayAccumulator } from './decay';
export { SignalStore } from './store';
export { encodeStates } from './crdt/state-codec';

// The wire and the disk (docs/wire-format.md; conformance/ holds their golden vectors).
export {
  decodeHeader,
  writeHeaderV1,
  FLAG_KEYED,
  FLAG_LOCAL,
  FLAG_MERGE,
  HEADER_V1_BYTES,
  HEADER_V2_BYTES,
} from './batch/header';
export { BatchCodec, type SignalEvent } from './batch/codec';
export { isBatch } from './replication/messages';
export { crc32c } from './crc32c';
export { MemoryStorage, FileStorage, type WalStorage } from './wal/storage';
export { Wal, segmentName, type RecoveryReport, type WalOptions } from './wal/wal';

// Routing: FNV-1a 64 over the routing key, then Lamping & Veach's jump hash.
export { fnv1a32, fnv1a64, hex64 } from './hash';
export { jumpHash } from './routing/jump-hash';
export { ShardRouter, loadSpread, routeKey, routingKeyHash } from './routing/shard-router';
export { TenantRouter, type TenantPlacement } from './routing/tenant-router';

// The cluster around replicas: topology, leaders and epochs, lag; the transport between them.
export { ControlPlane } from './control-plane';
export {
  InProcessTransportFactory,
  type Endpoint,
  type Link,
  type MessageHandler,
  type Transport,
} from './transport';

// Sessions and idempotent writes.
export { Session, type SessionOptions, type SessionPolicy } from './session';
export { DEFAULT_IDEMPOTENCY_RETENTION_MS, IdempotencyStore } from './idempotency';
