// The signal store keeps most states in compact columns instead of one CrdtSignalState each.
// These properties pin that down: for any sequence of writes and merges (duplicates, versions
// out of order, several origins, HLC ties, retractions), the store answers exactly as a store of
// plain CrdtSignalState objects does, and its incremental digests equal digests recomputed from
// the states.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CrdtSignalState } from './crdt/signal-state';
import { fmix32, fnv1a32 } from './hash';
import type { Hlc } from './hlc';
import { Schema } from './schema';
import { DIGEST_BUCKETS, SignalStore } from './store';
import type { SignalEvent } from './batch/codec';
import { arbitraryCrdtState, arbitraryStamp } from './testing/arbitrary-state';

const schema = new Schema({ signals: { click: { halfLifeMs: 60_000 }, view: { halfLifeMs: 3_600_000 } } });
const ORIGINS = ['us-east@1', 'eu-west@1', 'us-east@2'];
const TENANTS = ['', 'acme'];
const ENTITIES = ['a', 'b', 'c', 'article-42'];

/** The reference: one CrdtSignalState per (tenant, entity, signal), in insertion order. */
class ReferenceStore {
  readonly states = new Map<
    string,
    { tenant: string; entity: string; signal: number; st: CrdtSignalState }
  >();
  readonly entities: { tenant: string; entity: string }[] = [];
  private readonly seen = new Set<string>();

  private get(tenant: string, entity: string, signal: number): CrdtSignalState {
    const ek = `${tenant}\u0000${entity}`;
    if (!this.seen.has(ek)) {
      this.seen.add(ek);
      this.entities.push({ tenant, entity });
    }
    const k = `${ek}\u0000${signal}`;
    let rec = this.states.get(k);
    if (!rec) this.states.set(k, (rec = { tenant, entity, signal, st: new CrdtSignalState() }));
    return rec.st;
  }

  apply(e: SignalEvent): boolean {
    const h = schema.halfLifeMs(e.signal);
    return this.get(e.tenant, e.entity, e.signal).apply(
      e.origin,
      e.originVersion,
      e.weight,
      e.timeMs,
      e.hlc,
      h,
    );
  }

  merge(tenant: string, entity: string, signal: number, other: CrdtSignalState): string[] {
    return this.get(tenant, entity, signal).merge(other);
  }

  find(tenant: string, entity: string, signal: number): CrdtSignalState | undefined {
    return this.states.get(`${tenant}\u0000${entity}\u0000${signal}`)?.st;
  }

  /** Digests computed from scratch, the way the store defines them (over the origins `keep` takes). */
  digests(keep: (origin: string) => boolean = () => true): number[] {
    const out = new Array<number>(DIGEST_BUCKETS).fill(0);
    for (const { tenant, entity, signal, st } of this.states.values()) {
      const hash = fnv1a32(entity, fnv1a32(tenant));
      for (const o of st.origins) {
        if (!keep(o.origin)) continue;
        const t = fmix32(
          (hash ^ Math.imul(signal + 1, 0x9e3779b1) ^ fnv1a32(o.origin)) + Math.imul(o.version, 0x85ebca6b),
        );
        out[hash % DIGEST_BUCKETS] = (out[hash % DIGEST_BUCKETS]! + t) >>> 0;
      }
    }
    return out;
  }
}

function canonical(s: CrdtSignalState): unknown {
  return {
    origins: s.origins.map((o) => ({ ...o })),
    counts: s.counts.entries.map((e) => ({ ...e })),
    last: s.last.stamp ? { stamp: { ...s.last.stamp }, value: { ...s.last.value! } } : null,
    writeCount: s.writeCount,
  };
}

const stamp = arbitraryStamp(6);
const arbitraryState = arbitraryCrdtState({ origins: ORIGINS, minVersion: 0, maxOrigins: 3, maxWallMs: 6 });

type Op =
  | {
      kind: 'write';
      tenant: string;
      entity: string;
      signal: number;
      origin: string;
      jump: number;
      weight: number;
      timeMs: number;
      hlc: Hlc;
    }
  | { kind: 'merge'; tenant: string; entity: string; signal: number; state: CrdtSignalState };

const key = {
  tenant: fc.constantFrom(...TENANTS),
  entity: fc.constantFrom(...ENTITIES),
  signal: fc.integer({ min: 0, max: 1 }),
};
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('write' as const),
      ...key,
      // Mostly the leader's origin; versions mostly next, sometimes repeated or skipped ahead.
      origin: fc.constantFrom('us-east@1', 'us-east@1', 'us-east@1', ...ORIGINS),
      jump: fc.constantFrom(1, 1, 1, 1, 1, 1, 0, -1, 2),
      weight: fc.constantFrom(1, 1, 2.5, -1, 0, -0.25),
      timeMs: fc.integer({ min: 0, max: 120_000 }),
      hlc: stamp,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('merge' as const), ...key, state: arbitraryState }) },
);

function outcome(f: () => unknown): unknown {
  try {
    return { ok: f() };
  } catch (err) {
    return { threw: (err as Error).name };
  }
}

test('store: compact states answer exactly as plain CRDT states, and digests follow the states', () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 40 }), fc.integer({ min: 0, max: 130_000 }), (ops, readAtMs) => {
      const store = new SignalStore(schema);
      const ref = new ReferenceStore();
      for (const o of ops) {
        if (o.kind === 'write') {
          const version = (ref.find(o.tenant, o.entity, o.signal)?.version(o.origin) ?? 0) + o.jump;
          const e: SignalEvent = {
            seqNo: 0,
            signal: o.signal,
            tenant: o.tenant,
            entity: o.entity,
            weight: o.weight,
            timeMs: o.timeMs,
            hlc: { ...o.hlc },
            origin: o.origin,
            originVersion: version,
            idempotencyKey: '',
          };
          assert.equal(store.nextVersion(o.tenant, o.entity, o.signal, o.origin), version - o.jump + 1);
          // A leader's own write (the next version) goes through applyNext, which picks that version.
          const mine =
            o.jump === 1 && o.hlc.logical % 2 === 0
              ? outcome(() => {
                  assert.equal(
                    store.applyNext(e.tenant, e.entity, e.signal, e.origin, e.weight, e.timeMs, e.hlc),
                    version,
                  );
                  return true;
                })
              : outcome(() => store.apply(e));
          assert.deepEqual(
            mine,
            outcome(() => ref.apply(e)),
          );
        } else {
          const item = { tenant: o.tenant, entity: o.entity, signal: o.signal, state: o.state };
          assert.deepEqual(
            outcome(() => store.merge(item)),
            outcome(() => ref.merge(o.tenant, o.entity, o.signal, o.state)),
          );
        }
        assert.deepEqual([...store.digests()], ref.digests());
      }
      const onlyFirst = (origin: string): boolean => origin === 'us-east@1';
      assert.deepEqual([...store.digestsOf(onlyFirst)], ref.digests(onlyFirst));
      assert.equal(store.size, ref.states.size);
      const mine = [...store.entries()].map((i) => [i.tenant, i.entity, i.signal, canonical(i.state)]);
      const tenantOrder = [...new Set(ref.entities.map((x) => x.tenant))];
      const byTenant = tenantOrder.flatMap((t) => ref.entities.filter((x) => x.tenant === t));
      const theirs = byTenant.flatMap(({ tenant, entity }) =>
        [0, 1].flatMap((s) => {
          const st = ref.find(tenant, entity, s);
          return st ? [[tenant, entity, s, canonical(st)]] : [];
        }),
      );
      assert.deepEqual(mine, theirs);
      for (const { tenant, entity, signal, st } of ref.states.values()) {
        assert.equal(
          store.score(tenant, entity, signal, readAtMs),
          st.score(readAtMs, schema.halfLifeMs(signal)),
        );
        assert.deepEqual(canonical(store.state(tenant, entity, signal)!), canonical(st));
      }
      const all = Array.from({ length: DIGEST_BUCKETS }, (_, b) => b);
      const versions = store.versions(all);
      assert.equal(versions.length, ref.states.size);
      for (const v of versions)
        assert.deepEqual(
          v.origins,
          ref
            .find(v.tenant, v.entity, v.signal)!
            .origins.map((o) => ({ origin: o.origin, version: o.version })),
        );
    }),
    { numRuns: 1000 },
  );
});

test('store: a read of a state never written is undefined, and the first version is 1', () => {
  const store = new SignalStore(schema);
  assert.equal(store.score('', 'nobody', 0, 10), undefined);
  assert.equal(store.state('', 'nobody', 1), undefined);
  assert.equal(store.nextVersion('', 'nobody', 0, 'us-east@1'), 1);
  assert.equal(store.size, 0);
});
