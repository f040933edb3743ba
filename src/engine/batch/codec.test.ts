import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CorruptBatchError } from '../errors';
import { BatchCodec, type SignalEvent } from './codec';
import { decodeHeader, HEADER_V1_BYTES, HEADER_V2_BYTES, writeHeaderV1 } from './header';

const regions = ['us-east', 'eu-west', 'ap-south'];
const codec = new BatchCodec(regions, 3);

function event(seqNo: number, over: Partial<SignalEvent> = {}): SignalEvent {
  return {
    seqNo,
    signal: seqNo % 3,
    tenant: seqNo % 2 ? 'acme' : '',
    entity: `article-${seqNo}`,
    weight: seqNo * 0.5 - 1,
    timeMs: 1_000 + seqNo,
    hlc: { wallMs: 1_000 + seqNo, logical: seqNo % 4, node: 'us-east' },
    origin: 'us-east@1',
    originVersion: seqNo,
    idempotencyKey: seqNo % 3 ? '' : `key-${seqNo}`,
    ...over,
  };
}

test('batch: v2 encode/decode round-trips header and events', () => {
  const events = [1, 2, 3, 4].map((s) => event(s, { seqNo: 9 + s }));
  const bytes = codec.encode(7, 3, 'eu-west', 0, 10, events);
  const { header, events: got } = codec.decode(bytes);
  assert.equal(header.version, 2);
  assert.equal(header.shard, 7);
  assert.equal(header.epoch, 3);
  assert.equal(header.originIndex, 1);
  assert.equal(header.firstSeqNo, 10);
  assert.equal(header.eventCount, 4);
  assert.equal(header.byteLength, bytes.length);
  assert.deepEqual(got, events);
  assert.equal(new TextDecoder().decode(bytes.subarray(0, 4)), 'TDWB');
});

test('batch: arbitrary events round-trip (unicode ids, extreme weights, large SeqNos)', () => {
  const ev = fc.record({
    signal: fc.integer({ min: 0, max: 2 }),
    tenant: fc.oneof(fc.constant(''), fc.string({ minLength: 1, maxLength: 20 })),
    entity: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
    weight: fc.double({ noNaN: true, noDefaultInfinity: true }),
    timeMs: fc.integer({ min: 0, max: 2 ** 45 }),
    logical: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    version: fc.integer({ min: 1, max: 2 ** 32 - 1 }),
    key: fc.oneof(fc.constant(''), fc.string({ minLength: 1, maxLength: 30 })),
  });
  fc.assert(
    fc.property(
      fc.array(ev, { minLength: 0, maxLength: 20 }),
      fc.integer({ min: 1, max: 2 ** 52 }),
      (evs, first) => {
        const events: SignalEvent[] = evs.map((e, i) => ({
          seqNo: first + i,
          signal: e.signal,
          tenant: e.tenant,
          entity: e.entity,
          weight: e.weight,
          timeMs: e.timeMs,
          hlc: { wallMs: e.timeMs, logical: e.logical, node: 'ap-south' },
          origin: 'eu-west@2',
          originVersion: e.version,
          idempotencyKey: e.key,
        }));
        const bytes = codec.encode(1, 2, 'us-east', 0, first, events);
        assert.deepEqual(codec.decode(bytes).events, events);
      },
    ),
    { numRuns: 500 },
  );
});

test('batch: every single-byte flip of an encoded batch is detected as CorruptBatchError', () => {
  const bytes = codec.encode(2, 1, 'us-east', 0, 5, [event(5), event(6), event(7)]);
  let detected = 0;
  for (let i = 0; i < bytes.length; i++) {
    for (const bit of [0x01, 0x80, 0xff]) {
      const bad = bytes.slice();
      bad[i] = bad[i]! ^ bit;
      assert.throws(
        () => codec.decode(bad),
        CorruptBatchError,
        `flip 0x${bit.toString(16)} at byte ${i} went undetected`,
      );
      detected++;
    }
  }
  assert.equal(detected, bytes.length * 3);
});

test('batch: every truncation is detected, and a short buffer says so', () => {
  const bytes = codec.encode(0, 1, 'us-east', 0, 1, [event(1), event(2)]);
  for (let n = 0; n < bytes.length; n++)
    assert.throws(() => codec.decode(bytes.subarray(0, n)), CorruptBatchError);
  assert.throws(() => codec.decode(new Uint8Array(3)), /short buffer/);
});

test('batch: an unknown version and a bad magic are refused with a clear reason', () => {
  const bytes = codec.encode(0, 1, 'us-east', 0, 1, [event(1)]);
  const v3 = bytes.slice();
  v3[4] = 3;
  assert.throws(() => codec.decode(v3), /unknown batch version 3/);
  const magic = bytes.slice();
  magic[0] = 0x58;
  assert.throws(() => codec.decode(magic), /bad magic/);
});

test('batch: version 1 headers (no epoch, no origin) still decode', () => {
  const v2 = codec.encode(4, 1, 'us-east', 0, 20, [event(20), event(21)]);
  const payload = v2.subarray(HEADER_V2_BYTES);
  const v1 = new Uint8Array(HEADER_V1_BYTES + payload.length);
  v1.set(payload, HEADER_V1_BYTES);
  const h2 = decodeHeader(v2);
  writeHeaderV1(
    v1,
    { flags: 0, shard: 4, firstSeqNo: 20, eventCount: 2, hlcMin: h2.hlcMin, hlcMax: h2.hlcMax },
    payload.length,
  );
  const { header, events } = codec.decode(v1);
  assert.equal(header.version, 1);
  assert.equal(header.epoch, 1);
  assert.equal(header.originIndex, -1);
  assert.deepEqual(events, codec.decode(v2).events);
});
