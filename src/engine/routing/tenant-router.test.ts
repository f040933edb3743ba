import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CrossTenantAccessError, InvalidInputError } from '../errors';
import { ShardRouter } from './shard-router';
import { TenantRouter } from './tenant-router';

const REGIONS = ['us-east', 'eu-west', 'ap-south'];

/** Up to 5 tenants, each on a non-empty set of distinct shards of a cluster with `shardCount`. */
const placements = fc.integer({ min: 1, max: 64 }).chain((shardCount) =>
  fc.record({
    shardCount: fc.constant(shardCount),
    tenants: fc.dictionary(
      fc.constantFrom('acme', 'globex', 'initech', 'umbrella', 'hooli'),
      fc.record({
        homeRegion: fc.constantFrom(...REGIONS),
        shards: fc.uniqueArray(fc.integer({ min: 0, max: shardCount - 1 }), {
          minLength: 1,
          maxLength: shardCount,
        }),
      }),
    ),
  }),
);

test('tenant router: property: a tenant is never routed outside its shard set', () => {
  fc.assert(
    fc.property(
      placements,
      fc.array(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 30 }),
      (p, entities) => {
        const r = new TenantRouter(new ShardRouter(p.shardCount), REGIONS, 'us-east', p.tenants);
        for (const [tenant, placement] of Object.entries(p.tenants)) {
          assert.equal(r.homeOf(tenant), placement.homeRegion);
          for (const e of entities) {
            const shard = r.shardFor(tenant, e);
            assert.ok(placement.shards.includes(shard), `${tenant}/${e} routed to ${shard}`);
            assert.equal(shard, r.shardFor(tenant, e)); // deterministic
            r.checkOwns(tenant, shard, e); // the replica-side check agrees with routing
          }
        }
      },
    ),
    { numRuns: 1000 },
  );
});

test('tenant router: property: a shard outside the tenant set is refused with the typed error', () => {
  fc.assert(
    fc.property(placements, fc.nat(), (p, pick) => {
      const r = new TenantRouter(new ShardRouter(p.shardCount), REGIONS, 'us-east', p.tenants);
      for (const [tenant, placement] of Object.entries(p.tenants)) {
        const outside = Array.from({ length: p.shardCount }, (_, s) => s).filter(
          (s) => !placement.shards.includes(s),
        );
        if (outside.length === 0) continue;
        const shard = outside[pick % outside.length]!;
        assert.throws(
          () => r.checkOwns(tenant, shard, 'article-1'),
          (err: unknown) => err instanceof CrossTenantAccessError && err.tenant === tenant,
        );
      }
    }),
    { numRuns: 1000 },
  );
});

test('tenant router: the error names the tenant that owns the shard', () => {
  const r = new TenantRouter(new ShardRouter(4), REGIONS, 'us-east', {
    acme: { homeRegion: 'us-east', shards: [0, 1] },
    globex: { homeRegion: 'eu-west', shards: [2, 3] },
  });
  assert.throws(
    () => r.checkOwns('acme', 2, 'article-1'),
    (err: unknown) =>
      err instanceof CrossTenantAccessError &&
      err.owner === 'globex' &&
      /tenant "acme" asked for "article-1 \(shard 2\)", which belongs to tenant "globex"/.test(err.message),
  );
});

test('tenant router: tenants spread over their own shards evenly', () => {
  const r = new TenantRouter(new ShardRouter(8), REGIONS, 'us-east', {
    acme: { homeRegion: 'us-east', shards: [1, 3, 5, 7] },
  });
  const loads = new Map<number, number>();
  for (let i = 0; i < 40_000; i++) {
    const s = r.shardFor('acme', `entity-${i}`);
    loads.set(s, (loads.get(s) ?? 0) + 1);
  }
  assert.deepEqual([...loads.keys()].sort(), [1, 3, 5, 7]);
  for (const n of loads.values()) assert.ok(Math.abs(n - 10_000) <= 1_000, `load ${n}`);
});

test('tenant router: an unplaced tenant lives on every shard, homed where shard 0 is led', () => {
  const r = new TenantRouter(new ShardRouter(4), REGIONS, 'eu-west');
  assert.deepEqual(r.placement('anyone'), { homeRegion: 'eu-west', shards: [0, 1, 2, 3] });
  assert.equal(r.shardFor('anyone', 'a-1'), new ShardRouter(4).shardFor('a-1', 'anyone'));
  assert.equal(r.shardFor('', 'a-1'), new ShardRouter(4).shardFor('a-1'));
});

test('tenant router: a bad placement is refused with a message that says what is allowed', () => {
  const r = new TenantRouter(new ShardRouter(4), REGIONS, 'us-east');
  const bad = (home: string, shards: number[]): void => r.place('acme', { homeRegion: home, shards });
  assert.throws(() => bad('mars', [0]), InvalidInputError);
  assert.throws(() => bad('us-east', []), /non-empty list of distinct shards from 0 to 3/);
  assert.throws(() => bad('us-east', [4]), /from 0 to 3/);
  assert.throws(() => bad('us-east', [1, 1]), /distinct/);
  assert.throws(() => bad('us-east', [0.5]), InvalidInputError);
  assert.throws(() => r.place('', { homeRegion: 'us-east' }), /tenant/);
});
