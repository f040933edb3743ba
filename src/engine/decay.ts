/**
 * Exponentially decayed sums (DESIGN §3, Decay score). The score of a signal at time t is
 * Σ wᵢ·2^(−(t−tᵢ)/h). It is kept as an accumulator (value, refTimeMs): the sum evaluated at
 * refTimeMs, so adding a write and reading are O(1) and values never overflow as time passes
 * (the reference moves forward with the newest write).
 */

export interface DecayAccumulator {
  value: number;
  refTimeMs: number;
}

// `Math.pow` is the single most expensive step of applying a write. Event times are whole
// milliseconds, so the same (dt, half-life) pairs recur constantly (writes of a batch, entities
// written at a steady rate): a small direct-mapped memo returns the very same double.
const MEMO_SLOTS = 256;
const memoDtMs = new Float64Array(MEMO_SLOTS).fill(NaN);
const memoHalfLifeMs = new Float64Array(MEMO_SLOTS);
const memoFactor = new Float64Array(MEMO_SLOTS);

/** Decay factor for moving a value forward by `dtMs` with half-life `halfLifeMs`. */
export function decayFactor(dtMs: number, halfLifeMs: number): number {
  if (dtMs === 0) return 1;
  const slot = (dtMs ^ (halfLifeMs >>> 7)) & (MEMO_SLOTS - 1);
  if (memoDtMs[slot] === dtMs && memoHalfLifeMs[slot] === halfLifeMs) return memoFactor[slot]!;
  const f = Math.pow(2, -dtMs / halfLifeMs);
  memoDtMs[slot] = dtMs;
  memoHalfLifeMs[slot] = halfLifeMs;
  memoFactor[slot] = f;
  return f;
}

/** Adds weight `w` written at `timeMs` to the accumulator, in place. */
export function addDecayed(acc: DecayAccumulator, w: number, timeMs: number, halfLifeMs: number): void {
  if (timeMs >= acc.refTimeMs) {
    acc.value = acc.value * decayFactor(timeMs - acc.refTimeMs, halfLifeMs) + w;
    acc.refTimeMs = timeMs;
  } else {
    acc.value += w * decayFactor(acc.refTimeMs - timeMs, halfLifeMs);
  }
}

/**
 * `addDecayed` on an accumulator kept in a typed array (value at `a[i]`, reference time at
 * `a[i + 1]`): the same arithmetic, and no number returned that the caller would box.
 */
export function addDecayedAt(
  a: Float64Array,
  i: number,
  w: number,
  timeMs: number,
  halfLifeMs: number,
): void {
  const ref = a[i + 1]!;
  if (timeMs >= ref) {
    a[i] = a[i]! * decayFactor(timeMs - ref, halfLifeMs) + w;
    a[i + 1] = timeMs;
  } else {
    a[i] = a[i]! + w * decayFactor(ref - timeMs, halfLifeMs);
  }
}

/** The accumulator's score evaluated at `atMs`. */
export function readDecayed(acc: DecayAccumulator, atMs: number, halfLifeMs: number): number {
  return acc.value * decayFactor(atMs - acc.refTimeMs, halfLifeMs);
}

/** The reference score: the defining sum over every write, for tests and checkers. */
export function decaySum(
  writes: readonly { weight: number; timeMs: number }[],
  atMs: number,
  halfLifeMs: number,
): number {
  let s = 0;
  for (const w of writes) s += w.weight * decayFactor(atMs - w.timeMs, halfLifeMs);
  return s;
}

/** Relative closeness used wherever two replicas' scores are compared (DESIGN: 1e-9 relative). */
export function scoresMatch(a: number, b: number, relTol = 1e-9): boolean {
  if (a === b) return true;
  const scale = Math.max(Math.abs(a), Math.abs(b), 1e-12);
  return Math.abs(a - b) / scale <= relTol;
}
