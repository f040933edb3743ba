/**
 * The replicated signal state of one shard replica: per (tenant, entity, signal) a
 * `CrdtSignalState`, grouped in digest buckets for anti-entropy. Digests are sums of mixed
 * per-(entity, signal, origin, version) hashes, so they do not depend on the order in which
 * writes or merges arrived, and are recomputed lazily for buckets that changed.
 */
import type { SignalEvent } from './batch/codec';
import { CrdtSignalState } from './crdt/signal-state';
import type { StateItem } from './crdt/state-codec';
import { fmix32, fnv1a32 } from './hash';
import type { Schema } from './schema';

export const DIGEST_BUCKETS = 64;

export interface EntityRecord {
  tenant: string;
  entity: string;
  hash: number;
  bucket: number;
  states: (CrdtSignalState | undefined)[];
}

/** Versions of one (entity, signal): what a reconciliation summary carries. */
export interface VersionEntry {
  tenant: string;
  entity: string;
  signal: number;
  origins: { origin: string; version: number }[];
}

export class SignalStore {
  private readonly tenants = new Map<string, Map<string, EntityRecord>>();
  private readonly buckets: EntityRecord[][] = Array.from({ length: DIGEST_BUCKETS }, () => []);
  private readonly bucketDigest = new Uint32Array(DIGEST_BUCKETS);
  private readonly dirty = new Uint8Array(DIGEST_BUCKETS).fill(0);
  private readonly originHash = new Map<string, number>();
  private stateCount = 0;

  constructor(readonly schema: Schema) {}

  /** Applies one write; false when its origin version was already included. */
  apply(e: SignalEvent): boolean {
    const rec = this.record(e.tenant, e.entity, true)!;
    let st = rec.states[e.signal];
    if (st === undefined) {
      st = rec.states[e.signal] = new CrdtSignalState();
      this.stateCount++;
    }
    const applied = st.apply(
      e.origin,
      e.originVersion,
      e.weight,
      e.timeMs,
      e.hlc,
      this.schema.halfLifeMs(e.signal),
    );
    if (applied) this.dirty[rec.bucket] = 1;
    return applied;
  }

  /** Joins a reconciled state in; returns the origins that changed. */
  merge(item: StateItem): string[] {
    const rec = this.record(item.tenant, item.entity, true)!;
    let st = rec.states[item.signal];
    if (st === undefined) {
      st = rec.states[item.signal] = new CrdtSignalState();
      this.stateCount++;
    }
    const changed = st.merge(item.state);
    if (changed.length) this.dirty[rec.bucket] = 1;
    return changed;
  }

  state(tenant: string, entity: string, signal: number): CrdtSignalState | undefined {
    return this.record(tenant, entity, false)?.states[signal];
  }

  /** The decay score at `atMs`, or undefined when nothing was ever written. */
  score(tenant: string, entity: string, signal: number, atMs: number): number | undefined {
    const st = this.state(tenant, entity, signal);
    return st === undefined ? undefined : st.score(atMs, this.schema.halfLifeMs(signal));
  }

  /** The next version of `origin` for a write to (tenant, entity, signal). */
  nextVersion(tenant: string, entity: string, signal: number, origin: string): number {
    return (this.state(tenant, entity, signal)?.version(origin) ?? 0) + 1;
  }

  /** Number of (entity, signal) states held. */
  get size(): number {
    return this.stateCount;
  }

  /** Per-bucket digests (recomputed for buckets that changed). */
  digests(): Uint32Array {
    for (let b = 0; b < DIGEST_BUCKETS; b++) {
      if (!this.dirty[b]) continue;
      let sum = 0;
      for (const rec of this.buckets[b]!) sum = (sum + this.recordDigest(rec)) >>> 0;
      this.bucketDigest[b] = sum;
      this.dirty[b] = 0;
    }
    return this.bucketDigest;
  }

  /** One string naming the whole state; equal on two replicas iff every bucket digest is equal. */
  digest(): string {
    return Array.from(this.digests(), (d) => d.toString(16).padStart(8, '0')).join('');
  }

  /** Version vectors of every state in the given buckets. */
  versions(buckets: readonly number[]): VersionEntry[] {
    const out: VersionEntry[] = [];
    for (const b of buckets) {
      for (const rec of this.buckets[b]!) {
        rec.states.forEach((st, signal) => {
          if (st)
            out.push({
              tenant: rec.tenant,
              entity: rec.entity,
              signal,
              origins: st.origins.map((o) => ({ origin: o.origin, version: o.version })),
            });
        });
      }
    }
    return out;
  }

  /** Every state, in a deterministic order (tenant, entity insertion order, signal). */
  *entries(): Generator<StateItem> {
    for (const [tenant, entities] of this.tenants) {
      for (const rec of entities.values()) {
        for (let s = 0; s < rec.states.length; s++) {
          const st = rec.states[s];
          if (st) yield { tenant, entity: rec.entity, signal: s, state: st };
        }
      }
    }
  }

  private record(tenant: string, entity: string, create: boolean): EntityRecord | undefined {
    let entities = this.tenants.get(tenant);
    if (entities === undefined) {
      if (!create) return undefined;
      entities = new Map();
      this.tenants.set(tenant, entities);
    }
    let rec = entities.get(entity);
    if (rec === undefined && create) {
      const hash = fnv1a32(entity, fnv1a32(tenant));
      rec = { tenant, entity, hash, bucket: hash % DIGEST_BUCKETS, states: [] };
      entities.set(entity, rec);
      this.buckets[rec.bucket]!.push(rec);
    }
    return rec;
  }

  private recordDigest(rec: EntityRecord): number {
    let sum = 0;
    for (let s = 0; s < rec.states.length; s++) {
      const st = rec.states[s];
      if (!st) continue;
      for (const o of st.origins) {
        let oh = this.originHash.get(o.origin);
        if (oh === undefined) this.originHash.set(o.origin, (oh = fnv1a32(o.origin)));
        sum =
          (sum +
            fmix32((rec.hash ^ Math.imul(s + 1, 0x9e3779b1) ^ oh) + Math.imul(o.version, 0x85ebca6b))) >>>
          0;
      }
    }
    return sum;
  }
}
