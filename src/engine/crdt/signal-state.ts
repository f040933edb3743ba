/**
 * The replicated state of one (entity, signal) on one replica (DESIGN §3, CRDT signal state):
 * a decayed accumulator per origin with that origin's version, a PN-counter of write counts
 * (increments and retractions), and an LWW register of the last write (its HLC, time, weight).
 *
 * Every origin has exactly one writer (the replica that accepted writes under that origin key),
 * so an origin's state at version v contains exactly its writes 1..v, and merging per origin by
 * the higher version is a join: commutative, associative, idempotent. The merged score is the
 * score of applying every write once.
 */
import { invariant } from '../assert';
import { addDecayed, readDecayed } from '../decay';
import type { Hlc } from '../hlc';
import { LWWRegister } from './lww-register';
import { PNCounter } from './pn-counter';

/** One origin's share of the state. */
export interface OriginState {
  origin: string;
  version: number;
  value: number;
  refTimeMs: number;
}

export interface LastWrite {
  timeMs: number;
  weight: number;
}

export class CrdtSignalState {
  /** Sorted by origin. */
  origins: OriginState[] = [];
  readonly counts = new PNCounter();
  readonly last = new LWWRegister<LastWrite>();

  /** This origin's version (0 when the origin never wrote here). */
  version(origin: string): number {
    return this.find(origin)?.version ?? 0;
  }

  /**
   * Applies one write of `origin` at `version`. Returns false (and changes nothing) for a
   * version already included — a duplicate, or a write that arrived first through
   * reconciliation. A version further ahead than the next one is a broken invariant.
   */
  apply(
    origin: string,
    version: number,
    weight: number,
    timeMs: number,
    hlc: Hlc,
    halfLifeMs: number,
  ): boolean {
    const o = this.findOrAdd(origin);
    if (version <= o.version) return false;
    invariant(
      version === o.version + 1,
      () => `origin ${origin} jumped from version ${o.version} to ${version}`,
    );
    addDecayed(o, weight, timeMs, halfLifeMs);
    o.version = version;
    if (weight >= 0) this.counts.increment(origin);
    else this.counts.decrement(origin);
    this.last.set({ timeMs, weight }, hlc);
    return true;
  }

  /** Joins another replica's state into this one. Returns the origins that changed. */
  merge(other: CrdtSignalState): string[] {
    const changed: string[] = [];
    for (const theirs of other.origins) {
      const mine = this.findOrAdd(theirs.origin);
      if (wins(theirs, mine)) {
        mine.version = theirs.version;
        mine.value = theirs.value;
        mine.refTimeMs = theirs.refTimeMs;
        changed.push(theirs.origin);
      }
    }
    this.counts.merge(other.counts);
    this.last.merge(other.last);
    return changed;
  }

  /** Σ over origins of the decayed value at `atMs`. */
  score(atMs: number, halfLifeMs: number): number {
    let s = 0;
    for (const o of this.origins) s += readDecayed(o, atMs, halfLifeMs);
    return s;
  }

  /** Total writes included (increments + retractions). */
  get writeCount(): number {
    return this.counts.increments + this.counts.decrements;
  }

  clone(): CrdtSignalState {
    const c = new CrdtSignalState();
    c.origins = this.origins.map((o) => ({ ...o }));
    c.counts.merge(this.counts);
    c.last.merge(this.last);
    return c;
  }

  find(origin: string): OriginState | undefined {
    for (const o of this.origins) if (o.origin === origin) return o;
    return undefined;
  }

  private findOrAdd(origin: string): OriginState {
    let i = 0;
    for (; i < this.origins.length; i++) {
      const o = this.origins[i]!;
      if (o.origin === origin) return o;
      if (o.origin > origin) break;
    }
    const o = { origin, version: 0, value: 0, refTimeMs: 0 };
    this.origins.splice(i, 0, o);
    return o;
  }
}

/**
 * Whether `a` should replace `b` for the same origin. Higher version wins; equal versions hold
 * the same writes, and the deterministic tie-break keeps merge a join even for states that did
 * not come from one writer (property tests generate such states).
 */
function wins(a: OriginState, b: OriginState): boolean {
  if (a.version !== b.version) return a.version > b.version;
  if (a.refTimeMs !== b.refTimeMs) return a.refTimeMs > b.refTimeMs;
  return a.value > b.value;
}
