// A follower applies a checked batch straight from its bytes: `open` keeps the events in the
// bytes only when every one passes what decoding and the id checks would, and applying through
// the reader leaves a store exactly as applying the decoded events does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Schema } from '../schema';
import { SignalStore } from '../store';
import { BatchCodec, EncodedBatch, type SignalEvent } from './codec';

const regions = ['us-east', 'eu-west', 'ap-south'];
const codec = new BatchCodec(regions, 3);
const schema = new Schema({
  signals: { click: { halfLifeMs: 3_600_000 }, view: { halfLifeMs: 86_400_000 }, buy: { halfLifeMs: 1_000 } },
});

function event(seqNo: number, over: Partial<SignalEvent> = {}): SignalEvent {
  return {
    seqNo,
    signal: seqNo % 3,
    tenant: seqNo % 2 ? 'acme' : '',
    entity: `article-${seqNo % 5}`,
    weight: seqNo % 7 ? 1 : -1,
    timeMs: 1_000 + seqNo,
    hlc: { wallMs: 1_000 + seqNo, logical: seqNo % 4, node: 'us-east' },
    origin: 'us-east@1',
    originVersion: seqNo,
    idempotencyKey: seqNo % 3 ? '' : `key-${seqNo}`,
    ...over,
  };
}

test('reader: a well-formed ASCII batch stays in its bytes, and its events are the decoded ones', () => {
  const events = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((s) => event(s));
  const bytes = codec.encode(0, 1, 'us-east', 0, 1, events);
  const batch = codec.open(bytes);
  assert.ok(batch instanceof EncodedBatch);
  assert.deepEqual(batch.events, codec.decode(bytes).events);
  const r = codec.reader(batch);
  const walked: SignalEvent[] = [];
  while (r.next()) walked.push(r.event(codec.originName(r.originIndex, r.originEpoch)));
  assert.deepEqual(walked, events);
});

test('reader: a batch with a non-ASCII or over-long id is decoded for the caller to judge', () => {
  const accented = codec.encode(0, 1, 'us-east', 0, 1, [event(1, { entity: 'café' })]);
  const open = codec.open(accented);
  assert.ok(!(open instanceof EncodedBatch));
  assert.deepEqual(open.events, codec.decode(accented).events);
  const long = codec.encode(0, 1, 'us-east', 0, 1, [event(1, { entity: 'x'.repeat(257) })]);
  assert.ok(!(codec.open(long) instanceof EncodedBatch));
  const longKey = codec.encode(0, 1, 'us-east', 0, 1, [event(1, { idempotencyKey: 'k'.repeat(257) })]);
  assert.ok(!(codec.open(longKey) instanceof EncodedBatch));
});

test('reader: applying from the bytes leaves the store as applying the decoded events does', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          entity: fc.constantFrom('a', 'b', 'article-1', 'article-22', 'é'),
          tenant: fc.constantFrom('', 'acme', 'globex'),
          signal: fc.integer({ min: 0, max: 2 }),
          weight: fc.constantFrom(1, -1, 0.5),
          origin: fc.constantFrom('us-east@1', 'eu-west@1', 'us-east@2'),
          node: fc.constantFrom('us-east', 'eu-west'),
          logical: fc.integer({ min: 0, max: 3 }),
        }),
        { minLength: 1, maxLength: 40 },
      ),
      (writes) => {
        const decoded = new SignalStore(schema);
        const encoded = new SignalStore(schema);
        const versions = new Map<string, number>();
        const events = writes.map((w, i) => {
          const k = `${w.tenant}|${w.entity}|${w.signal}|${w.origin}`;
          let v = (versions.get(k) ?? 0) + 1;
          if (i % 5 === 4 && v > 1) v--; // now and then a duplicate (already applied)
          versions.set(k, v);
          return event(i + 1, {
            ...w,
            hlc: { wallMs: 1_000 + (i >> 1), logical: w.logical, node: w.node },
            originVersion: v,
            idempotencyKey: '',
          });
        });
        for (let at = 0; at < events.length; at += 8) {
          const part = events.slice(at, at + 8);
          const bytes = codec.encode(0, 1, 'us-east', 0, part[0]!.seqNo, part);
          const batch = codec.open(bytes);
          for (const e of codec.decode(bytes).events) decoded.apply(e);
          if (batch instanceof EncodedBatch) {
            const r = codec.reader(batch);
            while (r.next()) encoded.applyEncoded(r, codec.originName(r.originIndex, r.originEpoch));
          } else for (const e of batch.events) encoded.apply(e);
        }
        assert.equal(encoded.digest(), decoded.digest());
        assert.deepEqual([...encoded.entries()], [...decoded.entries()]);
      },
    ),
    { numRuns: 200 },
  );
});
