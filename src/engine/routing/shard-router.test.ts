// ShardRouter: golden placements, balance, minimal movement when growing, the routing key, tenant namespaces.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fnv1a64 } from '../hash';
import { jumpHash, loadSpread, routingKeyHash, ShardRouter } from './shard-router';

/** 100k keys from a fixed xorshift stream: random-looking, the same on every run. */
function randomKeys(n: number, seed = 0x2545f491): string[] {
  let x = seed;
  const next = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>>= 0);
  };
  return Array.from({ length: n }, () => `${next().toString(36)}-${next().toString(36)}`);
}

const KEYS = randomKeys(100_000);

test('shard router: deterministic: fixed keys map to fixed shards on every run and node', () => {
  const r = new ShardRouter(16);
  // Golden values: a change here would move stored entities to other shards after an upgrade
  // (conformance/routing.json holds more, for other implementations).
  assert.deepEqual(
    ['article-42', 'entity-0', 'entity-1', 'user:7', 'ü-ñ'].map((k) => r.shardFor(k)),
    [1, 11, 9, 9, 8],
  );
  assert.deepEqual([r.shardFor('article-42', 'acme'), r.shardFor('article-42', 'globex')], [3, 9]);
  assert.deepEqual(
    new ShardRouter(8).loads(Array.from({ length: 10_000 }, (_, i) => `entity-${i}`)),
    [1276, 1263, 1250, 1211, 1254, 1273, 1233, 1240],
  );
  fc.assert(
    fc.property(fc.string({ minLength: 1 }), fc.string(), fc.integer({ min: 1, max: 65536 }), (e, t, n) => {
      const a = new ShardRouter(n).shardFor(e, t);
      assert.equal(a, new ShardRouter(n).shardFor(e, t));
      assert.ok(Number.isInteger(a) && a >= 0 && a < n);
    }),
    { numRuns: 1000 },
  );
});

test('shard router: balanced: 100k random keys over 16 shards, max/min within 10%', (t) => {
  const loads = new ShardRouter(16).loads(KEYS);
  const s = loadSpread(loads);
  t.diagnostic(
    `100k keys / 16 shards: min ${s.min}, max ${s.max}, mean ${s.mean}, max/min ${s.maxOverMin.toFixed(4)}, max deviation ${(s.maxDeviation * 100).toFixed(2)}%`,
  );
  assert.equal(
    loads.reduce((a, b) => a + b, 0),
    100_000,
  );
  assert.ok(s.maxOverMin <= 1.1, `max/min ${s.maxOverMin}`);
  const seq = loadSpread(new ShardRouter(16).loads(Array.from({ length: 100_000 }, (_, i) => `entity-${i}`)));
  t.diagnostic(`100k sequential ids / 16 shards: max/min ${seq.maxOverMin.toFixed(4)}`);
  assert.ok(seq.maxOverMin <= 1.1, `sequential ids: max/min ${seq.maxOverMin}`);
});

test('shard router: balanced for any shard count from 1 to 64 (10k keys, within 15% of the mean)', () => {
  const keys = KEYS.slice(0, 10_000);
  for (let n = 1; n <= 64; n++) {
    const s = loadSpread(new ShardRouter(n).loads(keys));
    // 10k keys over 64 shards is 156 a shard: allow ~4 standard deviations.
    const allowed = Math.max(0.1, 4 / Math.sqrt(s.mean));
    assert.ok(s.maxDeviation <= allowed, `${n} shards: deviation ${s.maxDeviation}`);
  }
});

test('shard router: growing n→n+1 shards moves about 1/(n+1) of the keys, all to the new shard', (t) => {
  for (const n of [1, 2, 3, 7, 8, 15, 16, 31, 63]) {
    const before = new ShardRouter(n);
    const after = new ShardRouter(n + 1);
    let moved = 0;
    for (const k of KEYS) {
      const a = before.shardFor(k);
      const b = after.shardFor(k);
      if (a === b) continue;
      moved++;
      assert.equal(b, n, `key ${k} moved between old shards ${a} → ${b}`);
    }
    const fraction = moved / KEYS.length;
    const expected = 1 / (n + 1);
    t.diagnostic(
      `${n}→${n + 1}: moved ${(fraction * 100).toFixed(2)}% (expected ${(expected * 100).toFixed(2)}%)`,
    );
    assert.ok(Math.abs(fraction - expected) <= 0.1 * expected + 0.002, `${n}→${n + 1}: moved ${fraction}`);
  }
});

test('shard router: property: a key either stays or moves to the new shard', () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1 }), fc.integer({ min: 1, max: 1000 }), (k, n) => {
      const a = new ShardRouter(n).shardFor(k);
      const b = new ShardRouter(n + 1).shardFor(k);
      assert.ok(b === a || b === n);
    }),
    { numRuns: 1000 },
  );
});

test('shard router: the routing key is FNV-1a 64 of tenant, 0x00, entity (UTF-8)', () => {
  const bytes = (tenant: string, entity: string): Uint8Array =>
    new Uint8Array([...new TextEncoder().encode(tenant), 0, ...new TextEncoder().encode(entity)]);
  fc.assert(
    fc.property(
      fc.string({ minLength: 1, unit: 'binary' }),
      fc.string({ minLength: 1, unit: 'binary' }),
      (t, e) => {
        assert.equal(routingKeyHash(t, e), fnv1a64(bytes(t, e)));
        assert.equal(routingKeyHash('', e), fnv1a64(new TextEncoder().encode(e)));
      },
    ),
    { numRuns: 1000 },
  );
});

test('shard router: a tenant namespaces the key: same entity, other tenant, independent placement', () => {
  assert.notEqual(routingKeyHash('acme', 'article-1'), routingKeyHash('globex', 'article-1'));
  assert.notEqual(routingKeyHash('', 'article-1'), routingKeyHash('acme', 'article-1'));
  const s = loadSpread(new ShardRouter(8).loads(new Array<string>(8_000).fill('same-entity'), 'acme'));
  assert.equal(s.max, 8_000); // one entity, one shard: routing depends on the key only
});

test('shard router: a shard count outside 1..65536 is a clear error', () => {
  assert.throws(() => new ShardRouter(0), /shard count/);
  assert.throws(() => new ShardRouter(65537), /shard count/);
  assert.throws(() => new ShardRouter(1.5), /shard count/);
  assert.throws(() => jumpHash(1n, 0), /at least one bucket/);
});
