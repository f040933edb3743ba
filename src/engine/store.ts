/**
 * The replicated signal state of one shard replica: per (tenant, entity, signal) a CRDT signal
 * state, grouped in digest buckets for anti-entropy. Digests are sums of mixed
 * per-(entity, signal, origin, version) hashes, so they do not depend on the order in which
 * writes or merges arrived; they are kept up to date incrementally (a write swaps one term).
 *
 * Memory layout (the budget is a few hundred bytes per (entity, signal) per replica): nearly
 * every state has one origin (the shard leader's), so states live in flat typed-array columns —
 * that origin, its version and decayed accumulator, the PN counts and the last write — with no
 * object per state. A state the compact form cannot hold exactly (a second origin, a merge, an
 * out-of-order version, a tie between HLC stamps) is promoted, once, to a full
 * `CrdtSignalState`, and from then on every operation on it is that class's own. `state()` and
 * `entries()` hand out a `CrdtSignalState`: the live object for promoted states, an equal
 * snapshot for compact ones.
 */
import type { SignalEvent } from './batch/codec';
import type { EventReader } from './batch/reader';
import { CrdtSignalState } from './crdt/signal-state';
import type { StateItem } from './crdt/state-codec';
import { addDecayedAt, decayFactor } from './decay';
import { FNV32_OFFSET_BASIS, fmix32, fnv1a32 } from './hash';
import type { Hlc } from './hlc';
import type { Schema } from './schema';

export const DIGEST_BUCKETS = 64;

/** Versions of one (entity, signal): what a reconciliation summary carries. */
export interface VersionEntry {
  tenant: string;
  entity: string;
  signal: number;
  origins: { origin: string; version: number }[];
}

// A compact state is 64 bytes, one cache line: five doubles, then six 32-bit signed integers
// (small integers to V8), read through two views of one buffer.
const F_VALUE = 0;
const F_REF = 1; // right after F_VALUE: addDecayedAt reads the pair
const F_LAST_TIME = 2;
const F_LAST_WEIGHT = 3;
const F_LAST_WALL = 4;
const F_STRIDE = 8; // doubles per slot
const U_ORIGIN = 10; // name index of the one origin; PROMOTED for a full CrdtSignalState
const U_VERSION = 11;
const U_P = 12;
const U_N = 13;
const U_LAST_LOGICAL = 14;
const U_LAST_NODE = 15; // name index of the last write's HLC node
const U_STRIDE = 16; // int32s per slot
const SLOT_BYTES = 64;
const PROMOTED = -1;
/** Counters above this leave the compact form (int32 columns; never reached in practice). */
const INT_MAX = 0x7fffffff;
/** Entities and states a new store has room for (replicas are made often: small, then doubling). */
const INITIAL_CAPACITY = 16;

export class SignalStore {
  private readonly tenants = new Map<string, Map<string, number>>();
  private untenanted: Map<string, number> | undefined;
  private readonly signals: number;
  // Per entity (index e): its tenant, id, hash, and the slot + 1 of each signal's state (0 = none).
  private entTenant: string[] = [];
  private entName: string[] = [];
  // Per entity, one run of int32s (one cache line for a few signals): its digest hash, then the
  // slot + 1 of each signal's state (0 = none).
  private entData: Int32Array<ArrayBuffer>;
  private readonly entStride: number;
  private entities = 0;
  private readonly buckets: (number[] | undefined)[] = new Array<number[] | undefined>(DIGEST_BUCKETS).fill(
    undefined,
  );
  // Bucket digests are sums mod 2^32, kept as int32 (small integers to V8), handed out unsigned.
  private readonly bucketSums = new Int32Array(DIGEST_BUCKETS);
  private readonly bucketDigest = new Uint32Array(this.bucketSums.buffer);
  // Per state (slot k): the compact columns, or a full state once promoted.
  private slotBuffer = new ArrayBuffer(INITIAL_CAPACITY * SLOT_BYTES);
  private f = new Float64Array(this.slotBuffer);
  private u = new Int32Array(this.slotBuffer);
  private slots = 0;
  private readonly promoted = new Map<number, CrdtSignalState>();
  // Names (origins, HLC nodes) by index, with their digest hashes.
  private readonly names: string[] = [];
  private readonly nameIndex = new Map<string, number>();
  private readonly nameHash: number[] = [];
  // The entity the last call looked up: a leader's nextVersion() and apply() ask for the same one.
  private lastTenant = '';
  private lastEntity = '';
  private lastIndex = -1;
  private lastNodeName = '';
  private lastNodeIndex = -1;
  // Entities by the hash of their key bytes (open addressing, entity + 1, 0 = empty), so a
  // follower finds an entity straight from a batch's bytes, without making its id a string.
  private byKeyBytes = new Int32Array(4 * INITIAL_CAPACITY);

  constructor(readonly schema: Schema) {
    this.signals = schema.size;
    this.entStride = this.signals + 1;
    this.entData = new Int32Array(INITIAL_CAPACITY * this.entStride);
  }

  /** Applies one write; false when its origin version was already included. */
  apply(e: SignalEvent): boolean {
    const h = e.hlc;
    const ent = this.entity(e.tenant, e.entity, true);
    return this.applyAt(
      ent,
      e.signal,
      e.origin,
      e.originVersion,
      e.weight,
      e.timeMs,
      h.wallMs,
      h.logical,
      h.node,
      h,
      undefined,
    );
  }

  /**
   * Applies the event `r` stands at (of a checked batch, read in place from its bytes) exactly as
   * `apply` would the decoded event; `origin` is its origin key. Makes no object for it unless
   * its state is (or becomes) a full `CrdtSignalState`.
   */
  applyEncoded(r: EventReader, origin: string): boolean {
    const ent = r.ascii ? this.entityOfBytes(r) : this.entity(r.tenant(), r.entity(), true);
    return this.applyAt(
      ent,
      r.signal,
      origin,
      r.originVersion,
      r.weight,
      r.timeMs,
      r.wallMs,
      r.logical,
      r.node(),
      undefined,
      r,
    );
  }

  /** One write to entity `ent`; its HLC stamp is `stamp`, or made from `r` when a full state needs one. */
  private applyAt(
    ent: number,
    signal: number,
    originName: string,
    originVersion: number,
    weight: number,
    t: number,
    wallMs: number,
    logical: number,
    node: string,
    stamp: Hlc | undefined,
    r: EventReader | undefined,
  ): boolean {
    const key = ent * this.entStride + 1 + signal;
    const halfLifeMs = this.schema.halfLifeMs(signal);
    let k = this.entData[key]! - 1;
    if (k < 0) {
      if (originVersion === 1 && compactable(logical)) {
        k = this.newSlot(key);
        const origin = this.nameOf(originName);
        const fi = k * F_STRIDE;
        const ui = k * U_STRIDE;
        const f = this.f;
        const u = this.u;
        // A fresh accumulator (0 at time 0) plus this write.
        f[fi + F_VALUE] = 0;
        f[fi + F_REF] = 0;
        addDecayedAt(f, fi + F_VALUE, weight, t, halfLifeMs);
        u[ui + U_ORIGIN] = origin;
        u[ui + U_VERSION] = 1;
        u[ui + U_P] = weight >= 0 ? 1 : 0;
        u[ui + U_N] = weight >= 0 ? 0 : 1;
        this.setLast(fi, ui, t, weight, wallMs, logical, node);
        this.swapDigest(ent, 0, this.term(ent, signal, this.nameHash[origin]!, 1));
        return true;
      }
      k = this.newPromotedSlot(key);
    } else {
      const ui = k * U_STRIDE;
      const u = this.u;
      const origin = u[ui + U_ORIGIN]!;
      // The compact form holds one origin's writes, each the next version in HLC order; anything
      // else (another origin, a gap, a tie) moves the state to a full CrdtSignalState below.
      if (origin !== PROMOTED && this.names[origin] === originName) {
        const version = u[ui + U_VERSION]!;
        if (originVersion <= version) return false;
        const fi = k * F_STRIDE;
        const next = originVersion === version + 1 && version < INT_MAX && compactable(logical);
        const order = next ? this.compareLast(fi, ui, wallMs, logical, node) : 0;
        if (order !== 0) {
          addDecayedAt(this.f, fi + F_VALUE, weight, t, halfLifeMs);
          u[ui + U_VERSION] = originVersion;
          if (weight >= 0) u[ui + U_P]!++;
          else u[ui + U_N]!++;
          if (order > 0) this.setLast(fi, ui, t, weight, wallMs, logical, node);
          const originHash = this.nameHash[origin]!;
          this.swapDigest(
            ent,
            this.term(ent, signal, originHash, version),
            this.term(ent, signal, originHash, originVersion),
          );
          return true;
        }
      }
      if (origin !== PROMOTED) this.promote(k);
    }
    return this.applyPromoted(
      ent,
      signal,
      k,
      originName,
      originVersion,
      weight,
      t,
      stamp ?? r!.hlc(),
      halfLifeMs,
    );
  }

  /** Joins a reconciled state in; returns the origins that changed. */
  merge(item: StateItem): string[] {
    const ent = this.entity(item.tenant, item.entity, true);
    const key = ent * this.entStride + 1 + item.signal;
    let k = this.entData[key]! - 1;
    if (k < 0) k = this.newPromotedSlot(key);
    const st = this.promote(k);
    const before = this.stateDigest(ent, item.signal, k);
    try {
      return st.merge(item.state);
    } finally {
      this.swapDigest(ent, before, this.stateDigest(ent, item.signal, k));
    }
  }

  state(tenant: string, entity: string, signal: number): CrdtSignalState | undefined {
    const ent = this.entity(tenant, entity, false);
    if (ent < 0) return undefined;
    const k = this.entData[ent * this.entStride + 1 + signal]! - 1;
    return k < 0 ? undefined : this.stateAt(k);
  }

  /** The decay score at `atMs`, or undefined when nothing was ever written. */
  score(tenant: string, entity: string, signal: number, atMs: number): number | undefined {
    const ent = this.entity(tenant, entity, false);
    if (ent < 0) return undefined;
    const k = this.entData[ent * this.entStride + 1 + signal]! - 1;
    if (k < 0) return undefined;
    const halfLifeMs = this.schema.halfLifeMs(signal);
    if (this.u[k * U_STRIDE + U_ORIGIN] === PROMOTED) return this.promoted.get(k)!.score(atMs, halfLifeMs);
    const fi = k * F_STRIDE;
    return 0 + this.f[fi + F_VALUE]! * decayFactor(atMs - this.f[fi + F_REF]!, halfLifeMs);
  }

  /** The next version of `origin` for a write to (tenant, entity, signal). */
  nextVersion(tenant: string, entity: string, signal: number, origin: string): number {
    const ent = this.entity(tenant, entity, false);
    return ent < 0 ? 1 : this.versionAt(ent, signal, origin) + 1;
  }

  /**
   * Applies a write of `origin` as its next version of (tenant, entity, signal), as
   * `apply` would with `originVersion: nextVersion(…)`, finding the state once; returns that version.
   */
  applyNext(
    tenant: string,
    entity: string,
    signal: number,
    origin: string,
    weight: number,
    timeMs: number,
    hlc: Hlc,
  ): number {
    const ent = this.entity(tenant, entity, true);
    const version = this.versionAt(ent, signal, origin) + 1;
    this.applyAt(
      ent,
      signal,
      origin,
      version,
      weight,
      timeMs,
      hlc.wallMs,
      hlc.logical,
      hlc.node,
      hlc,
      undefined,
    );
    return version;
  }

  /** The version of `origin` the state of (entity `ent`, `signal`) includes (0: none). */
  private versionAt(ent: number, signal: number, origin: string): number {
    const k = this.entData[ent * this.entStride + 1 + signal]! - 1;
    if (k < 0) return 0;
    const ui = k * U_STRIDE;
    const o = this.u[ui + U_ORIGIN]!;
    if (o === PROMOTED) return this.promoted.get(k)!.version(origin);
    return this.names[o] === origin ? this.u[ui + U_VERSION]! : 0;
  }

  /** Number of (entity, signal) states held. */
  get size(): number {
    return this.slots;
  }

  /** Per-bucket digests. */
  digests(): Uint32Array {
    return this.bucketDigest;
  }

  /** One string naming the whole state; equal on two replicas iff every bucket digest is equal. */
  digest(): string {
    return Array.from(this.bucketDigest, (d) => d.toString(16).padStart(8, '0')).join('');
  }

  /**
   * Per-bucket digests over only the origins `keep` accepts, computed afresh (anti-entropy
   * compares just the origins the log does not carry).
   */
  digestsOf(keep: (origin: string) => boolean): Uint32Array {
    const out = new Uint32Array(DIGEST_BUCKETS);
    for (const entities of this.tenants.values()) {
      for (const ent of entities.values()) {
        const b = (this.entData[ent * this.entStride]! >>> 0) % DIGEST_BUCKETS;
        for (let s = 0; s < this.signals; s++) {
          const k = this.entData[ent * this.entStride + 1 + s]! - 1;
          if (k < 0) continue;
          out[b] = (out[b]! + this.stateDigest(ent, s, k, keep)) >>> 0;
        }
      }
    }
    return out;
  }

  /** Version vectors of every state in the given buckets (only origins `keep` accepts). */
  versions(buckets: readonly number[], keep: (origin: string) => boolean = () => true): VersionEntry[] {
    const out: VersionEntry[] = [];
    for (const b of buckets) {
      for (const ent of this.buckets[b] ?? []) {
        for (let s = 0; s < this.signals; s++) {
          const k = this.entData[ent * this.entStride + 1 + s]! - 1;
          if (k < 0) continue;
          const all = this.originsAt(k);
          const origins = all.filter((o) => keep(o.origin));
          if (origins.length || all.length === 0)
            out.push({ tenant: this.entTenant[ent]!, entity: this.entName[ent]!, signal: s, origins });
        }
      }
    }
    return out;
  }

  /** The (origin, version) pairs of slot `k`. */
  private originsAt(k: number): { origin: string; version: number }[] {
    const ui = k * U_STRIDE;
    const o = this.u[ui + U_ORIGIN]!;
    return o === PROMOTED
      ? this.promoted.get(k)!.origins.map((x) => ({ origin: x.origin, version: x.version }))
      : [{ origin: this.names[o]!, version: this.u[ui + U_VERSION]! }];
  }

  /** Every state, in a deterministic order (tenant, entity insertion order, signal). */
  *entries(): Generator<StateItem> {
    for (const [tenant, entities] of this.tenants) {
      for (const ent of entities.values()) {
        for (let s = 0; s < this.signals; s++) {
          const k = this.entData[ent * this.entStride + 1 + s]! - 1;
          if (k >= 0) yield { tenant, entity: this.entName[ent]!, signal: s, state: this.stateAt(k) };
        }
      }
    }
  }

  // --- entities and slots -----------------------------------------------------------------

  /** The index of (tenant, entity), made when `create`; -1 when absent. */
  private entity(tenant: string, entity: string, create: boolean): number {
    if (entity === this.lastEntity && tenant === this.lastTenant && this.lastIndex >= 0)
      return this.lastIndex;
    let entities = tenant === '' ? this.untenanted : this.tenants.get(tenant);
    if (entities === undefined) {
      if (!create) return -1;
      entities = new Map();
      this.tenants.set(tenant, entities);
      if (tenant === '') this.untenanted = entities;
    }
    let ent = entities.get(entity);
    if (ent === undefined) {
      if (!create) return -1;
      ent = this.entities++;
      entities.set(entity, ent);
      if ((ent + 1) * this.entStride > this.entData.length)
        this.entData = grow(this.entData, this.entData.length * 2);
      const hash = fnv1a32(entity, fnv1a32(tenant));
      this.entTenant.push(tenant);
      this.entName.push(entity);
      this.entData[ent * this.entStride] = hash | 0;
      (this.buckets[hash % DIGEST_BUCKETS] ??= []).push(ent);
      this.indexKeyBytes(ent, hash | 0);
    }
    this.lastTenant = tenant;
    this.lastEntity = entity;
    this.lastIndex = ent;
    return ent;
  }

  /**
   * The entity whose tenant and id are the (ASCII) bytes `r` stands at, made when new: the same
   * index `entity(r.tenant(), r.entity(), true)` gives, found by the FNV-1a hash of the bytes
   * (the entity's digest hash) and a byte-by-byte comparison, with no string made.
   */
  private entityOfBytes(r: EventReader): number {
    const b = r.bytes;
    const tenantEnd = r.entityAt - 2;
    let h = FNV32_OFFSET_BASIS | 0;
    for (let i = r.tenantAt; i < tenantEnd; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
    for (let i = r.entityAt; i < r.entityEnd; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
    const table = this.byKeyBytes;
    const mask = table.length - 1;
    for (let s = keySlot(h) & mask; ; s = (s + 1) & mask) {
      const ent = table[s]! - 1;
      if (ent < 0) break;
      if (
        this.entData[ent * this.entStride] === h &&
        sameAscii(this.entName[ent]!, b, r.entityAt, r.entityEnd) &&
        sameAscii(this.entTenant[ent]!, b, r.tenantAt, tenantEnd)
      )
        return ent;
    }
    return this.entity(r.tenant(), r.entity(), true);
  }

  /** Adds entity `ent` (digest hash `hash`) to the key-bytes index, doubling it past half full. */
  private indexKeyBytes(ent: number, hash: number): void {
    if (2 * this.entities > this.byKeyBytes.length) {
      const old = this.byKeyBytes;
      this.byKeyBytes = new Int32Array(old.length * 2);
      for (let e = 0; e < ent; e++) this.placeKeyBytes(e, this.entData[e * this.entStride]!);
    }
    this.placeKeyBytes(ent, hash);
  }

  private placeKeyBytes(ent: number, hash: number): void {
    const table = this.byKeyBytes;
    const mask = table.length - 1;
    let s = keySlot(hash) & mask;
    while (table[s] !== 0) s = (s + 1) & mask;
    table[s] = ent + 1;
  }

  private newSlot(key: number): number {
    const k = this.slots++;
    if ((k + 1) * SLOT_BYTES > this.slotBuffer.byteLength) {
      const next = new ArrayBuffer(this.slotBuffer.byteLength * 2);
      new Uint8Array(next).set(new Uint8Array(this.slotBuffer));
      this.slotBuffer = next;
      this.f = new Float64Array(next);
      this.u = new Int32Array(next);
    }
    this.entData[key] = k + 1;
    return k;
  }

  private nameOf(name: string): number {
    let i = this.nameIndex.get(name);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.nameHash.push(fnv1a32(name) | 0); // int32: the digest only XORs it
      this.nameIndex.set(name, i);
    }
    return i;
  }

  // --- compact states -----------------------------------------------------------------------

  private setLast(
    fi: number,
    ui: number,
    timeMs: number,
    weight: number,
    wallMs: number,
    logical: number,
    node: string,
  ): void {
    this.f[fi + F_LAST_TIME] = timeMs;
    this.f[fi + F_LAST_WEIGHT] = weight;
    this.f[fi + F_LAST_WALL] = wallMs;
    this.u[ui + U_LAST_LOGICAL] = logical;
    if (node !== this.lastNodeName) {
      this.lastNodeName = node;
      this.lastNodeIndex = this.nameOf(node);
    }
    this.u[ui + U_LAST_NODE] = this.lastNodeIndex;
  }

  /** compareHlc(the stamp (wallMs, logical, node), the state's last stamp). */
  private compareLast(fi: number, ui: number, wallMs: number, logical: number, node: string): number {
    const wall = this.f[fi + F_LAST_WALL]!;
    if (wallMs !== wall) return wallMs < wall ? -1 : 1;
    const lastLogical = this.u[ui + U_LAST_LOGICAL]!;
    if (logical !== lastLogical) return logical < lastLogical ? -1 : 1;
    const lastNode = this.names[this.u[ui + U_LAST_NODE]!]!;
    return node < lastNode ? -1 : node > lastNode ? 1 : 0;
  }

  /** The state in slot `k` as a `CrdtSignalState` (the live one once promoted). */
  private stateAt(k: number): CrdtSignalState {
    const ui = k * U_STRIDE;
    const o = this.u[ui + U_ORIGIN]!;
    if (o === PROMOTED) return this.promoted.get(k)!;
    const fi = k * F_STRIDE;
    const f = this.f;
    const u = this.u;
    const origin = this.names[o]!;
    const st = new CrdtSignalState();
    st.origins = [
      { origin, version: u[ui + U_VERSION]!, value: f[fi + F_VALUE]!, refTimeMs: f[fi + F_REF]! },
    ];
    st.counts.increment(origin, u[ui + U_P]!);
    st.counts.decrement(origin, u[ui + U_N]!);
    st.last.set(
      { timeMs: f[fi + F_LAST_TIME]!, weight: f[fi + F_LAST_WEIGHT]! },
      {
        wallMs: f[fi + F_LAST_WALL]!,
        logical: u[ui + U_LAST_LOGICAL]!,
        node: this.names[u[ui + U_LAST_NODE]!]!,
      },
    );
    return st;
  }

  /** Moves slot `k` to a full `CrdtSignalState` (once; it stays there). */
  /** A new slot for `key` holding an empty full state. */
  private newPromotedSlot(key: number): number {
    const k = this.newSlot(key);
    this.promoted.set(k, new CrdtSignalState());
    this.u[k * U_STRIDE + U_ORIGIN] = PROMOTED;
    return k;
  }

  private promote(k: number): CrdtSignalState {
    const ui = k * U_STRIDE;
    if (this.u[ui + U_ORIGIN] === PROMOTED) return this.promoted.get(k)!;
    const st = this.stateAt(k);
    this.promoted.set(k, st);
    this.u[ui + U_ORIGIN] = PROMOTED;
    return st;
  }

  private applyPromoted(
    ent: number,
    signal: number,
    k: number,
    origin: string,
    originVersion: number,
    weight: number,
    timeMs: number,
    hlc: Hlc,
    halfLifeMs: number,
  ): boolean {
    const st = this.promoted.get(k)!;
    const before = this.stateDigest(ent, signal, k);
    try {
      return st.apply(origin, originVersion, weight, timeMs, hlc, halfLifeMs);
    } finally {
      this.swapDigest(ent, before, this.stateDigest(ent, signal, k)); // even when an invariant throws
    }
  }

  // --- digests ------------------------------------------------------------------------------

  /** One digest term, as an int32 (a uint32 above 2^31 would be a heap number made per write). */
  private term(ent: number, signal: number, originHash: number, version: number): number {
    return (
      fmix32(
        (this.entData[ent * this.entStride]! ^ Math.imul(signal + 1, 0x9e3779b1) ^ originHash) +
          Math.imul(version, 0x85ebca6b),
      ) | 0
    );
  }

  /** The sum of the terms of slot `k`'s state (only of the origins `keep` accepts, if given). */
  private stateDigest(ent: number, signal: number, k: number, keep?: (origin: string) => boolean): number {
    const ui = k * U_STRIDE;
    const o = this.u[ui + U_ORIGIN]!;
    if (o !== PROMOTED) {
      if (keep && !keep(this.names[o]!)) return 0;
      return this.term(ent, signal, this.nameHash[o]!, this.u[ui + U_VERSION]!);
    }
    let sum = 0;
    for (const x of this.promoted.get(k)!.origins)
      if (!keep || keep(x.origin))
        sum = (sum + this.term(ent, signal, this.nameHash[this.nameOf(x.origin)]!, x.version)) >>> 0;
    return sum;
  }

  private swapDigest(ent: number, before: number, after: number): void {
    const b = (this.entData[ent * this.entStride]! >>> 0) % DIGEST_BUCKETS;
    this.bucketSums[b] = (this.bucketSums[b]! - before + after) | 0;
  }
}

/** Whether an HLC stamp's logical count fits the compact columns (always, for stamps this engine issues). */
function compactable(logical: number): boolean {
  return Number.isInteger(logical) && logical >= 0 && logical <= INT_MAX;
}

/** The key-bytes index slot of a hash (its high bits folded in). */
function keySlot(hash: number): number {
  return hash ^ (hash >>> 15);
}

/** Whether the ASCII string `s` is exactly the bytes `b[start, end)`. */
function sameAscii(s: string, b: Uint8Array, start: number, end: number): boolean {
  if (s.length !== end - start) return false;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== b[start + i]) return false;
  return true;
}

function grow(a: Int32Array<ArrayBuffer>, size: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(size);
  next.set(a);
  return next;
}
