/**
 * The reorder buffer: results arrive in whatever order the workers finish them and leave in the
 * order of their index, so what a run prints does not depend on how many workers ran it. Bounded
 * by the pool: at most one result per worker can wait for an earlier one still in flight.
 */
export class ReorderBuffer<T> {
  private readonly waiting = new Map<number, T>();
  private next = 0;

  constructor(private readonly emit: (value: T, index: number) => void) {}

  /** Index of the next result to leave (every earlier one has left). */
  get emitted(): number {
    return this.next;
  }

  /** Results held back for an earlier one. */
  get held(): number {
    return this.waiting.size;
  }

  /** Takes result `index` and lets out every result now in order; `index` arrives once. */
  push(index: number, value: T): void {
    if (!Number.isInteger(index) || index < this.next || this.waiting.has(index))
      throw new Error(`reorder buffer: result ${index} arrived twice or out of range (next is ${this.next})`);
    this.waiting.set(index, value);
    for (let v = this.waiting.get(this.next); v !== undefined || this.waiting.has(this.next);) {
      this.waiting.delete(this.next);
      this.emit(v as T, this.next++);
      v = this.waiting.get(this.next);
    }
  }
}
