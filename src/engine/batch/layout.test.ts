// The event layout written and read by hand (codec fast paths) is byte for byte the one the
// header comment of codec.ts documents, checked against an independent DataView encoding — and a
// batch that only the careful field-by-field reader accepts still decodes the same.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { BatchCodec, type SignalEvent } from './codec';
import { HEADER_V2_BYTES } from './header';

const regions = ['us-east', 'eu-west', 'ap-south'];
const codec = new BatchCodec(regions, 3);

/** The documented layout, field by field through a DataView. */
function reference(e: SignalEvent, originIndex: number, originEpoch: number): Uint8Array {
  const utf8 = new TextEncoder();
  const tenant = utf8.encode(e.tenant);
  const entity = utf8.encode(e.entity);
  const key = utf8.encode(e.idempotencyKey);
  const out = new Uint8Array(2 + 2 + tenant.length + 2 + entity.length + 40 + 2 + key.length);
  const v = new DataView(out.buffer);
  let p = 0;
  v.setUint8(p++, 1);
  v.setUint8(p++, e.signal);
  for (const s of [tenant, entity]) {
    v.setUint16(p, s.length, true);
    out.set(s, p + 2);
    p += 2 + s.length;
  }
  v.setFloat64(p, e.weight, true);
  v.setFloat64(p + 8, e.timeMs, true);
  v.setFloat64(p + 16, e.hlc.wallMs, true);
  v.setUint32(p + 24, e.hlc.logical, true);
  v.setUint16(p + 28, regions.indexOf(e.hlc.node), true);
  v.setUint16(p + 30, originIndex, true);
  v.setUint32(p + 32, originEpoch, true);
  v.setUint32(p + 36, e.originVersion, true);
  v.setUint16(p + 40, key.length, true);
  out.set(key, p + 42);
  return out;
}

const event = fc.record({
  signal: fc.integer({ min: 0, max: 2 }),
  tenant: fc.oneof(fc.constant(''), fc.string({ unit: 'grapheme', maxLength: 12 })),
  entity: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 70 }),
  weight: fc.double({ noNaN: true, noDefaultInfinity: true }),
  timeMs: fc.integer({ min: 0, max: 2 ** 45 }),
  wallMs: fc.integer({ min: 0, max: 2 ** 45 }),
  logical: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  node: fc.constantFrom(...regions),
  origin: fc.integer({ min: 0, max: 2 }),
  epoch: fc.integer({ min: 1, max: 2 ** 32 - 1 }),
  version: fc.integer({ min: 1, max: 2 ** 32 - 1 }),
  key: fc.oneof(fc.constant(''), fc.string({ unit: 'grapheme', maxLength: 20 })),
});

test('batch layout: hand-written events are the documented bytes, and read back equal', () => {
  fc.assert(
    fc.property(
      fc.array(event, { minLength: 1, maxLength: 12 }),
      fc.integer({ min: 1, max: 2 ** 40 }),
      (evs, first) => {
        const events: SignalEvent[] = evs.map((x, i) => ({
          seqNo: first + i,
          signal: x.signal,
          tenant: x.tenant,
          entity: x.entity,
          weight: x.weight,
          timeMs: x.timeMs,
          hlc: { wallMs: x.wallMs, logical: x.logical, node: x.node },
          origin: `${regions[x.origin]}@${x.epoch}`,
          originVersion: x.version,
          idempotencyKey: x.key,
        }));
        const bytes = codec.encode(3, 2, 'us-east', 0, first, events);
        const parts = events.map((e, i) => reference(e, evs[i]!.origin, evs[i]!.epoch));
        const payload = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
        let at = 0;
        for (const b of parts) {
          payload.set(b, at);
          at += b.length;
        }
        assert.deepEqual(bytes.subarray(HEADER_V2_BYTES), payload);
        assert.deepEqual(new BatchCodec(regions, 3).decode(bytes).events, events);
      },
    ),
    { numRuns: 1000 },
  );
});

test('batch layout: an event the fast reader leaves to the careful one decodes the same', () => {
  // A non-ASCII entity id and a key longer than the intern table takes.
  const e: SignalEvent = {
    seqNo: 5,
    signal: 1,
    tenant: 'acmé',
    entity: 'ärticle-42',
    weight: -0.25,
    timeMs: 1_234,
    hlc: { wallMs: 1_234, logical: 7, node: 'ap-south' },
    origin: 'eu-west@3',
    originVersion: 9,
    idempotencyKey: 'k'.repeat(200),
  };
  const bytes = codec.encode(0, 3, 'eu-west', 0, 5, [e, { ...e, seqNo: 6, originVersion: 10 }]);
  assert.deepEqual(codec.decode(bytes).events, [e, { ...e, seqNo: 6, originVersion: 10 }]);
});
