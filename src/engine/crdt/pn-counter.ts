/**
 * A state-based PN-counter: per node, a grow-only count of increments (P) and of decrements (N).
 * Merge takes the per-node maximum of each, so it is commutative, associative and idempotent.
 * Kept as a sorted array, not a Map: a signal state holds one or two origins, and memory per
 * (entity, signal) per replica is a budget.
 */

export interface PNEntry {
  node: string;
  p: number;
  n: number;
}

export class PNCounter {
  /** Sorted by node. */
  entries: PNEntry[] = [];

  increment(node: string, by = 1): void {
    this.entry(node).p += by;
  }

  decrement(node: string, by = 1): void {
    this.entry(node).n += by;
  }

  get increments(): number {
    let s = 0;
    for (const e of this.entries) s += e.p;
    return s;
  }

  get decrements(): number {
    let s = 0;
    for (const e of this.entries) s += e.n;
    return s;
  }

  merge(other: PNCounter): void {
    for (const o of other.entries) {
      const e = this.entry(o.node);
      if (o.p > e.p) e.p = o.p;
      if (o.n > e.n) e.n = o.n;
    }
  }

  private entry(node: string): PNEntry {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.entries[mid]!.node < node) lo = mid + 1;
      else hi = mid;
    }
    let e = this.entries[lo];
    if (e === undefined || e.node !== node) {
      e = { node, p: 0, n: 0 };
      this.entries.splice(lo, 0, e);
    }
    return e;
  }
}
