/**
 * Typed errors of the engine. Each one is a caller's mistake or an expected operational
 * condition, and says what was wrong and what to do about it. Broken invariants of our own are
 * not errors: they are assertions (see `assert.ts`).
 */

/** Base class of every error the engine throws on purpose. */
export class TidalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A value from the caller (region, entity, weight, time…) was rejected; nothing was written. */
export class InvalidInputError extends TidalError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    reason: string,
  ) {
    super(`invalid ${field} ${describe(value)}: ${reason}`);
  }
}

/** A write or read named a signal the schema does not declare. */
export class UnknownSignalError extends TidalError {
  constructor(
    readonly signal: string,
    readonly known: readonly string[],
  ) {
    super(
      `unknown signal ${JSON.stringify(signal)}: the schema declares ${known.map((s) => JSON.stringify(s)).join(', ') || 'no signals'}; declare it in the schema or use one of those`,
    );
  }
}

/** Bytes that claimed to be a batch are not a valid one. The receiver keeps its state. */
export class CorruptBatchError extends TidalError {
  constructor(
    readonly reason: string,
    readonly offset?: number,
  ) {
    super(
      `corrupt batch: ${reason}${offset === undefined ? '' : ` (at byte ${offset})`}; the batch was not applied and the sender will resend`,
    );
  }
}

/** A batch addressed to another shard reached this replica. */
export class WrongShardError extends TidalError {
  constructor(
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`batch for shard ${actual} reached a replica of shard ${expected}; it was not applied`);
  }
}

/** A batch arrived whose events do not follow the replica's applied SeqNo. */
export class OutOfOrderBatchError extends TidalError {
  constructor(
    readonly appliedSeqNo: number,
    readonly firstSeqNo: number,
  ) {
    super(
      `out-of-order batch: it starts at SeqNo ${firstSeqNo} but this replica has applied ${appliedSeqNo}; the sender must resend from ${appliedSeqNo + 1}`,
    );
  }
}

/** A message from a deposed leader (older epoch) was refused: fencing. */
export class StaleEpochError extends TidalError {
  constructor(
    readonly shard: number,
    readonly messageEpoch: number,
    readonly currentEpoch: number,
  ) {
    super(
      `stale epoch on shard ${shard}: message of epoch ${messageEpoch}, current epoch is ${currentEpoch}; the sender was deposed and must rejoin as a follower`,
    );
  }
}

/** A remote HLC stamp is further ahead of the local physical clock than `maxDriftMs` allows. */
export class ClockSkewError extends TidalError {
  constructor(
    readonly remoteWallMs: number,
    readonly localPhysicalMs: number,
    readonly maxDriftMs: number,
  ) {
    super(
      `clock skew: remote stamp ${remoteWallMs} ms is ${remoteWallMs - localPhysicalMs} ms ahead of the local clock (${localPhysicalMs} ms), more than maxDriftMs=${maxDriftMs}; the message was not applied and will be retried, fix the clock or raise maxDriftMs`,
    );
  }
}

/** A session read could not be served at the session's high-water mark in time. */
export class StaleReadError extends TidalError {
  constructor(
    readonly region: string,
    readonly shard: number,
    readonly appliedSeqNo: number,
    readonly sessionHwm: number,
    readonly waitedMs: number,
  ) {
    super(
      `stale read at ${region} shard ${shard}: replica applied SeqNo ${appliedSeqNo} < session high-water mark ${sessionHwm} after waiting ${waitedMs} ms; retry later, read elsewhere, or use the 'redirect' policy`,
    );
  }
}

/** The same idempotency key was reused with a different payload. */
export class IdempotencyConflictError extends TidalError {
  constructor(
    readonly tenant: string,
    readonly key: string,
  ) {
    super(
      `idempotency conflict: key ${JSON.stringify(key)} of tenant ${JSON.stringify(tenant)} was first used with a different write; use a new key for a new write`,
    );
  }
}

/** The write could not reach its shard's leader and the partition policy does not allow local writes. */
export class UnavailableError extends TidalError {
  constructor(
    readonly region: string,
    readonly shard: number,
    reason: string,
  ) {
    super(`unavailable: ${region} cannot serve shard ${shard}: ${reason}`);
  }
}

/** An acknowledged write can no longer meet its ack policy (its leader was deposed first). */
export class WriteNotCommittedError extends TidalError {
  constructor(
    readonly shard: number,
    readonly seqNo: number,
    reason: string,
  ) {
    super(
      `write shard ${shard} SeqNo ${seqNo} was not committed: ${reason}; retry it with the same idempotency key`,
    );
  }
}

/** A tenant context tried to touch another tenant's data. */
export class CrossTenantAccessError extends TidalError {
  constructor(
    readonly tenant: string,
    readonly owner: string,
    readonly entity: string,
  ) {
    super(
      `cross-tenant access refused: tenant ${JSON.stringify(tenant)} asked for ${JSON.stringify(entity)}, which belongs to tenant ${JSON.stringify(owner)}`,
    );
  }
}

/** The WAL on disk cannot be recovered without losing data silently. */
export class WalRecoveryError extends TidalError {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`WAL recovery refused at ${path}: ${reason}; inspect the segment or restore it from a replica`);
  }
}

/** A node was used while crashed, or an operation needs a role the node does not have. */
export class NodeStateError extends TidalError {}

function describe(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value) ?? String(value);
}
