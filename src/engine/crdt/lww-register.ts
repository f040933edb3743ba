/**
 * A last-writer-wins register ordered by HLC stamp (wall, then logical, then node id, so ties
 * between nodes break deterministically). Merge keeps the greater stamp: commutative,
 * associative, idempotent.
 */
import { compareHlc, type Hlc } from '../hlc';

export class LWWRegister<T> {
  constructor(
    public value: T | undefined = undefined,
    public stamp: Hlc | undefined = undefined,
  ) {}

  /** Sets the value if `stamp` is newer than the current one; returns whether it won. */
  set(value: T, stamp: Hlc): boolean {
    if (this.stamp !== undefined && compareHlc(stamp, this.stamp) <= 0) return false;
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
