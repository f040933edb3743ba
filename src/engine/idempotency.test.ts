import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { IdempotencyConflictError, InvalidInputError } from './errors';
import { fingerprintOf, IdempotencyStore, type IdempotentAck } from './idempotency';

const R = 600_000;

function ack(seqNo: number, timeMs: number): IdempotentAck {
  return {
    shard: 0,
    seqNo,
    epoch: 1,
    hlc: { wallMs: timeMs, logical: 0, node: 'us-east' },
    timeMs,
    origin: 'us-east',
    local: false,
  };
}

const fpA = fingerprintOf('click', 'a-1', 1, undefined);
const fpB = fingerprintOf('click', 'a-1', 2, undefined);

test('idempotency: a retry gets the first ack; another payload is a conflict', () => {
  const s = new IdempotencyStore(R);
  assert.equal(s.check('', 'k', fpA, 0), undefined);
  s.record('', 'k', fpA, ack(1, 0), 0, 0);
  assert.deepEqual(s.check('', 'k', fpA, 10), ack(1, 0));
  assert.throws(
    () => s.check('', 'k', fpB, 10),
    (e: unknown) => e instanceof IdempotencyConflictError && e.key === 'k' && /use a new key/.test(e.message),
  );
  // Keys are per tenant.
  assert.equal(s.check('acme', 'k', fpB, 10), undefined);
});

test('idempotency: expiry is exact: held at first + retention - 1, free at first + retention', () => {
  const s = new IdempotencyStore(R);
  s.record('', 'k', fpA, ack(1, 1_000), 1_000, 1_000);
  assert.ok(s.has('', 'k', 1_000 + R - 1));
  assert.deepEqual(s.check('', 'k', fpA, 1_000 + R - 1), ack(1, 1_000));
  assert.ok(!s.has('', 'k', 1_000 + R));
  assert.equal(s.check('', 'k', fpB, 1_000 + R), undefined); // free: even another payload is new
  assert.equal(s.size, 0);
});

test('idempotency: the first ack stays authoritative while held; a later write replaces it once expired', () => {
  const s = new IdempotencyStore(R);
  s.record('', 'k', fpA, ack(1, 0), 0, 0);
  s.record('', 'k', fpA, ack(9, 5), 5, 5); // a duplicate delivery of another copy: ignored
  assert.equal(s.check('', 'k', fpA, 6)!.seqNo, 1);
  // A follower whose clock runs behind (now = R - 10) applies the leader's write made at R:
  s.record('', 'k', fpB, ack(2, R), R, R - 10);
  assert.equal(s.check('', 'k', fpB, R + 1)!.seqNo, 2);
});

test('idempotency: a retention that is not a finite non-negative number is refused', () => {
  assert.throws(() => new IdempotencyStore(-1), InvalidInputError);
  assert.throws(() => new IdempotencyStore(Number.POSITIVE_INFINITY), /idempotencyRetentionMs/);
});

test('idempotency: expired entries are swept as new ones arrive (bounded work per write)', () => {
  const s = new IdempotencyStore(100);
  for (let i = 0; i < 50; i++) s.record('', `k${i}`, fpA, ack(i + 1, i), i, i);
  assert.equal(s.size, 50);
  s.record('', 'late', fpA, ack(99, 1_000), 1_000, 1_000);
  assert.equal(s.size, 1);
});

/** A client's attempt: which key, which payload, after how long. */
const attempt = fc.record({
  key: fc.integer({ min: 0, max: 3 }),
  payload: fc.integer({ min: 0, max: 2 }),
  afterMs: fc.oneof(fc.integer({ min: 0, max: 2_000 }), fc.constantFrom(R - 1, R, R + 1)),
});

/**
 * The leader's path (check, then record a new write) against a model of what a key means: held
 * for exactly `R` from its first write; a retry returns that write's ack, another payload throws.
 */
function runLeader(
  attempts: { key: number; payload: number; afterMs: number }[],
  onEvent: (e: { key: string; fp: string; ack: IdempotentAck; atMs: number }) => void = () => {},
): void {
  const store = new IdempotencyStore(R);
  const model = new Map<string, { fp: string; ack: IdempotentAck; atMs: number }>();
  let now = 0;
  let seq = 0;
  for (const a of attempts) {
    now += a.afterMs;
    const key = `k${a.key}`;
    const fp = fingerprintOf('click', 'a-1', a.payload, undefined);
    const held = model.get(key);
    const live = held !== undefined && now < held.atMs + R;
    if (live && held.fp !== fp) {
      assert.throws(() => store.check('', key, fp, now), IdempotencyConflictError);
      continue;
    }
    const prior = store.check('', key, fp, now);
    if (live) {
      assert.deepEqual(prior, held.ack, 'a retry must return the first ack');
      continue;
    }
    assert.equal(prior, undefined, 'a free key must not answer as a retry');
    const a2 = ack(++seq, now);
    store.record('', key, fp, a2, now, now);
    model.set(key, { fp, ack: a2, atMs: now });
    onEvent({ key, fp, ack: a2, atMs: now });
  }
}

test('idempotency: property: a retry never adds, a conflict always throws, expiry is exact', () => {
  fc.assert(
    fc.property(fc.array(attempt, { maxLength: 40 }), (attempts) => runLeader(attempts)),
    { numRuns: 1000 },
  );
});

test('idempotency: property: a replica fed the log with duplicates, at any clock, agrees with the leader', () => {
  fc.assert(
    fc.property(
      fc.array(attempt, { maxLength: 40 }),
      fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 40 }),
      fc.integer({ min: -R, max: R }),
      fc.array(fc.integer({ min: 0, max: 3 * R }), { minLength: 1, maxLength: 5 }),
      (attempts, copies, skewMs, queries) => {
        const leader = new IdempotencyStore(R);
        const follower = new IdempotencyStore(R);
        let followerNow = 0;
        let last = 0;
        let i = 0;
        runLeader(attempts, (e) => {
          leader.record('', e.key, e.fp, e.ack, e.atMs, e.atMs);
          // The follower applies each event once or more (duplicate delivery, rebuild from the
          // WAL), on a clock that is skewed but, like every clock here, never goes back.
          followerNow = Math.max(followerNow, e.atMs + skewMs);
          for (let c = 0; c <= (copies[i++ % Math.max(1, copies.length)] ?? 0); c++)
            follower.record('', e.key, e.fp, e.ack, e.atMs, followerNow);
          last = e.atMs;
        });
        for (const q of queries) {
          const at = Math.max(last, followerNow) + q;
          for (let k = 0; k < 4; k++) {
            assert.equal(follower.has('', `k${k}`, at), leader.has('', `k${k}`, at), `k${k} at ${at}`);
            for (let p = 0; p < 3; p++) {
              const fp = fingerprintOf('click', 'a-1', p, undefined);
              const answer = (s: IdempotencyStore): unknown => {
                try {
                  return s.check('', `k${k}`, fp, at)?.seqNo;
                } catch (err) {
                  return (err as Error).name;
                }
              };
              assert.equal(answer(follower), answer(leader));
            }
          }
        }
      },
    ),
    { numRuns: 1000 },
  );
});

test('idempotency: a retention of 0 ms is allowed and remembers no key', () => {
  const s = new IdempotencyStore(0);
  s.record('', 'k', fpA, ack(1, 0), 0, 0);
  assert.equal(s.check('', 'k', fpB, 0), undefined, 'not held even at the instant of the write');
  assert.throws(() => new IdempotencyStore(-1), /a finite, non-negative number of ms/);
});

test('idempotency: an entry is swept at its exact expiry, at most maxEntries per sweep, oldest first', () => {
  const s = new IdempotencyStore(100);
  for (let i = 0; i < 5; i++) s.record('', `k${i}`, fpA, ack(i + 1, i), i, i);
  s.sweep(100); // k0 expires at 100 exactly
  assert.equal(s.size, 4);
  s.sweep(1_000, 2);
  assert.equal(s.size, 2);
  assert.ok(s.has('', 'k3', 102) && s.has('', 'k4', 102), 'the two newest are left');
  s.sweep(1_000, 0);
  assert.equal(s.size, 2, 'a sweep of 0 entries does no work');
  s.sweep(1_000);
  assert.equal(s.size, 0);
});

test('idempotency: the same key with another explicit event time is another payload', () => {
  const s = new IdempotencyStore(R);
  const at = (t: number | undefined): string => fingerprintOf('click', 'a-1', 1, t);
  s.record('', 'k', at(5), ack(1, 5), 0, 0);
  assert.deepEqual(s.check('', 'k', at(5), 1), ack(1, 5));
  for (const other of [6, 0, undefined])
    assert.throws(() => s.check('', 'k', at(other), 1), IdempotencyConflictError, `explicit time ${other}`);
});
