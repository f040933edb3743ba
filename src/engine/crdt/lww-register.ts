/**
 * A last-writer-wins register ordered by HLC stamp (wall, then logical, then node id, so ties
 * between nodes break deterministically). Merge keeps the greater stamp: commutative,
 * associative, idempotent. One node never issues the same stamp twice, so equal stamps normally
 * carry equal values; should they not (a state assembled by hand, a bug elsewhere), the values
 * are compared too, so that merge stays a join instead of keeping whichever arrived first.
 */
import { compareHlc, type Hlc } from '../hlc';

/** Orders two values deterministically: numbers and strings by value, anything else by its JSON. */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  const x = typeof a === 'string' ? a : (JSON.stringify(a) ?? '');
  const y = typeof b === 'string' ? b : (JSON.stringify(b) ?? '');
  return x < y ? -1 : x > y ? 1 : 0;
}

export class LWWRegister<T> {
  constructor(
    public value: T | undefined = undefined,
    public stamp: Hlc | undefined = undefined,
  ) {}

  /** Sets the value if `stamp` is newer than the current one; returns whether it won. */
  set(value: T, stamp: Hlc): boolean {
    if (this.stamp !== undefined) {
      const order = compareHlc(stamp, this.stamp);
      if (order < 0 || (order === 0 && compareValues(value, this.value) <= 0)) return false;
    }
    this.value = value;
    this.stamp = stamp;
    return true;
  }

  merge(other: LWWRegister<T>): void {
    if (other.stamp !== undefined) this.set(other.value as T, other.stamp);
  }

  clone(): LWWRegister<T> {
    return new LWWRegister(this.value, this.stamp);
  }
}
