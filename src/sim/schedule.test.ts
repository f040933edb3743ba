import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { generateSchedule } from './generate';
import { DEFAULT_OPTIONS, parseFaults, replayCommand } from './options';
import { endOf, isFault, parseSchedule, timeline, withItems, type Item, type Schedule } from './schedule';

const shape: Schedule['cluster'] = {
  regions: 3,
  shards: 2,
  ackPolicy: 'leader',
  partitionPolicy: 'leader-only',
  maxDriftMs: 1000,
};

test('schedule: timeline: heals come before starts at the same instant, items keep their order', () => {
  const s: Schedule = {
    format: 1,
    seed: 1,
    cluster: shape,
    sessions: [],
    items: [
      { kind: 'partition', atMs: 0, durationMs: 10, a: 'us-east', b: 'eu-west' },
      { kind: 'write', atMs: 10, signal: 'click', entity: 'e-1', weight: 1 },
      { kind: 'partition', atMs: 10, durationMs: 5, a: 'us-east', b: 'ap-south' },
      { kind: 'failover', atMs: 12, shard: 0 },
    ],
  };
  assert.deepEqual(
    timeline(s).map((a) => `${a.atMs}:${a.phase}:${a.index}`),
    ['0:start:0', '10:end:0', '10:start:1', '10:start:2', '12:start:3', '15:end:2'],
  );
});

test('schedule: withItems drops the sessions no remaining item uses', () => {
  const s: Schedule = {
    format: 1,
    seed: 1,
    cluster: shape,
    sessions: [
      { id: 1, region: 'us-east', policy: 'wait', timeoutMs: 200 },
      { id: 2, region: 'eu-west', policy: 'redirect', timeoutMs: 200 },
    ],
    items: [
      { kind: 'session-read', atMs: 0, session: 2, signal: 'click', entity: 'e-1' },
      { kind: 'session-write', atMs: 1, session: 1, signal: 'click', entity: 'e-1', weight: 1 },
    ],
  };
  assert.deepEqual(
    withItems(s, [s.items[0]!]).sessions.map((x) => x.id),
    [2],
  );
});

test('schedule: parseSchedule refuses what is not a schedule, and says what one is', () => {
  assert.throws(() => parseSchedule({ seed: 1 }), /expected \{ format: 2, seed, cluster, sessions, items \}/);
  assert.throws(
    () => parseSchedule({ format: 1, seed: 1, cluster: shape, sessions: [], items: [{ kind: 'write' }] }),
    /no valid virtual time/,
  );
});

test('generator: the same seed and options make the same schedule; another seed another one', () => {
  const a = generateSchedule(7, { ...DEFAULT_OPTIONS, ops: 200 });
  const b = generateSchedule(7, { ...DEFAULT_OPTIONS, ops: 200 });
  const c = generateSchedule(8, { ...DEFAULT_OPTIONS, ops: 200 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.items, c.items);
  assert.deepEqual(parseSchedule(JSON.parse(JSON.stringify(a))), a);
});

test('generator: without faults a schedule holds only client operations', () => {
  const s = generateSchedule(3, { ...DEFAULT_OPTIONS, ops: 300, faults: [] });
  assert.equal(s.items.length, 300);
  assert.equal(s.items.filter(isFault).length, 0);
});

test('generator: every schedule is sorted, printable, keyed consistently and never overlaps a fault with itself', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 300 }), (seed, ops) => {
      const s = generateSchedule(seed, { ...DEFAULT_OPTIONS, ops });
      const writes = s.items.filter((i) => i.kind === 'write');
      assert.equal(s.items.length - s.items.filter(isFault).length, ops);
      for (let i = 1; i < s.items.length; i++) assert.ok(s.items[i]!.atMs >= s.items[i - 1]!.atMs);
      for (const it of s.items) {
        assert.ok(Number.isInteger(it.atMs));
        if ('weight' in it) assert.match(String(it.weight), /^-?\d+(\.\d+)?$/);
        if ('entity' in it) assert.match(it.entity, /^[A-Za-z0-9][\w.:/-]*$/);
      }
      // A tenant's key always names the same payload (a retry), so no retry is an idempotency
      // conflict; another tenant may use the same key for a write of its own.
      const payloads = new Map<string, string>();
      for (const w of writes) {
        if (!w.idempotencyKey) continue;
        const k = `${w.tenant ?? ''}\u0000${w.idempotencyKey}`;
        const p = JSON.stringify([w.signal, w.entity, w.weight]);
        assert.equal(payloads.get(k) ?? p, p);
        payloads.set(k, p);
      }
      // A region's skew, a replica's crash, a link's faults and a cut never overlap themselves.
      const target = (f: Item): string | undefined => {
        switch (f.kind) {
          case 'skew':
            return `skew ${f.region}`;
          case 'crash':
            return `crash ${f.region}/${f.shard}`;
          case 'partition':
            return `cut ${[f.a, f.b].sort().join('|')}`;
          case 'one-way-partition':
            return `cut ${f.from}>${f.to}`;
          case 'network':
            return `net ${f.link ? `${f.link.from}>${f.link.to}` : '*'}`;
          default:
            return undefined;
        }
      };
      const busy = new Map<string, number>();
      for (const f of s.items.filter(isFault)) {
        const t = target(f);
        if (!t) continue;
        assert.ok((busy.get(t) ?? -1) < f.atMs, `${t} overlaps itself at ${f.atMs} ms`);
        busy.set(t, endOf(f));
        if (f.kind === 'network' && !f.link)
          for (const [k, until] of busy) if (k.startsWith('net ') && k !== t) assert.ok(until < f.atMs);
      }
    }),
    { numRuns: 200 },
  );
});

test('options: --faults and the replay command name every option that shaped a run', () => {
  assert.deepEqual(parseFaults('drops,skew'), ['drops', 'skew']);
  assert.deepEqual(parseFaults('none'), []);
  assert.throws(() => parseFaults('drops,meteor'), /unknown fault family "meteor"/);
  assert.equal(
    replayCommand(1234, 1, {
      ...DEFAULT_OPTIONS,
      faults: parseFaults('skew,drops'),
      bug: 'idempotency-forgets',
    }),
    'npm run simulate -- --seeds 1 --from 1234 --ops 2000 --faults drops,skew --bug idempotency-forgets',
  );
  // A pinned dimension replays pinned; what a seed drew replays with the seed.
  assert.equal(
    replayCommand(7, 1, { ...DEFAULT_OPTIONS, regions: 4, ack: 'quorum', storage: 'durable' }),
    'npm run simulate -- --seeds 1 --from 7 --ops 2000 --faults all --regions 4 --ack quorum --storage durable',
  );
});

test('swarm: seeds draw every dimension across its range, and each emphasis', () => {
  const shapes = Array.from({ length: 300 }, (_, i) =>
    generateSchedule(i + 1, { ...DEFAULT_OPTIONS, ops: 1 }),
  );
  const seen = (f: (s: Schedule) => unknown): unknown[] => [...new Set(shapes.map(f))].sort();
  assert.deepEqual(
    seen((s) => s.cluster.regions),
    [2, 3, 4, 5],
  );
  assert.deepEqual(
    seen((s) => s.cluster.shards),
    [1, 2, 3, 4, 6, 8],
  );
  assert.deepEqual(
    seen((s) => s.cluster.ackPolicy),
    ['leader', 'quorum'],
  );
  assert.deepEqual(
    seen((s) => s.cluster.partitionPolicy),
    ['accept-local', 'leader-only'],
  );
  assert.deepEqual(
    seen((s) => s.cluster.durable),
    [false, true],
  );
  assert.deepEqual(
    seen((s) => s.cluster.tenants !== undefined),
    [false, true],
  );
  assert.equal(seen((s) => s.mix!.emphasis).length, 6);
  assert.ok(seen((s) => s.cluster.idempotencyRetentionMs).length >= 4);
  // A small batch always comes with a window wide enough to catch up (64 events per round trip).
  for (const s of shapes) assert.ok(s.cluster.maxBatchEvents! * s.cluster.windowBatches! >= 64);
});

test('swarm: pinning a dimension moves no other draw, and the replay command names the pin', () => {
  for (let seed = 1; seed <= 50; seed++) {
    const drawn = generateSchedule(seed, { ...DEFAULT_OPTIONS, ops: 50 });
    const ack = drawn.cluster.ackPolicy === 'leader' ? 'quorum' : 'leader';
    const pinned = generateSchedule(seed, { ...DEFAULT_OPTIONS, ops: 50, ack });
    assert.deepEqual(pinned.cluster, { ...drawn.cluster, ackPolicy: ack });
    assert.deepEqual(pinned.items, drawn.items);
    assert.deepEqual(pinned.mix, drawn.mix);
  }
  assert.match(replayCommand(3, 1, { ...DEFAULT_OPTIONS, ack: 'quorum' }), /--ack quorum/);
});
