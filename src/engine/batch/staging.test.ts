import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { BatchCodec, type SignalEvent } from './codec';
import { StagedWrites } from './staging';

const regions = ['us-east', 'eu-west', 'ap-south'];

const eventArb = fc.record({
  signal: fc.integer({ min: 0, max: 2 }),
  tenant: fc.constantFrom('', 'acme', 'ünïcode'),
  entity: fc.string({ minLength: 1, maxLength: 12 }),
  weight: fc.double({ noNaN: true, noDefaultInfinity: true }),
  timeMs: fc.integer({ min: -5, max: 1e6 }),
  wallMs: fc.integer({ min: 0, max: 50 }),
  logical: fc.integer({ min: 0, max: 3 }),
  node: fc.constantFrom(...regions),
  originVersion: fc.integer({ min: 1, max: 2 ** 31 }),
  idempotencyKey: fc.constantFrom('', 'k-1', 'k-2'),
});

test('staged writes drain to the very bytes encode makes of the same events, one batch per run', () => {
  fc.assert(
    fc.property(
      fc.array(eventArb, { maxLength: 20 }),
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 1, max: 1000 }),
      (writes, maxEvents, firstSeqNo) => {
        const events: SignalEvent[] = writes.map((w, i) => ({
          seqNo: firstSeqNo + i,
          signal: w.signal,
          tenant: w.tenant,
          entity: w.entity,
          weight: w.weight,
          timeMs: w.timeMs,
          hlc: { wallMs: w.wallMs, logical: w.logical, node: w.node },
          origin: 'eu-west@4',
          originVersion: w.originVersion,
          idempotencyKey: w.idempotencyKey,
        }));
        const staged = new StagedWrites(new BatchCodec(regions, 3));
        for (const e of events)
          staged.add(
            maxEvents,
            e.seqNo,
            e.signal,
            e.tenant,
            e.entity,
            e.weight,
            e.timeMs,
            e.hlc,
            e.origin,
            e.originVersion,
            e.idempotencyKey,
          );
        assert.equal(staged.empty, events.length === 0);
        const got: Uint8Array[] = [];
        staged.drain(5, 4, 'eu-west', (bytes) => got.push(bytes.slice()));
        assert.ok(staged.empty);
        const reference = new BatchCodec(regions, 3);
        const want: Uint8Array[] = [];
        for (let i = 0; i < events.length; i += maxEvents) {
          const part = events.slice(i, i + maxEvents);
          want.push(reference.encode(5, 4, 'eu-west', 0, part[0]!.seqNo, part).slice());
        }
        assert.deepEqual(got, want);
        // Drained means empty: staging again starts a new run at the given SeqNo.
        if (events.length > 0) {
          const e = events[0]!;
          staged.add(maxEvents, 99, e.signal, e.tenant, e.entity, e.weight, e.timeMs, e.hlc, e.origin, 1, '');
          let n = 0;
          staged.drain(5, 4, 'eu-west', (bytes) => {
            n++;
            assert.equal(reference.decode(bytes).header.firstSeqNo, 99);
          });
          assert.equal(n, 1);
        }
      },
    ),
  );
});
