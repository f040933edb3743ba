/**
 * Bad input at the batch decoder: whatever bytes arrive, decoding either returns exactly what
 * was encoded or fails with a `CorruptBatchError` that says why; it never throws anything else
 * and never hands back an event that was not sent. Includes batches whose CRCs are valid but
 * whose content is impossible (a sender with a bug, not a bad wire).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { CorruptBatchError } from '../errors';
import { BatchCodec, type SignalEvent } from './codec';
import { decodeHeader, HEADER_V2_BYTES, MAGIC, writeHeaderV2 } from './header';

const codec = new BatchCodec(['us-east', 'eu-west', 'ap-south'], 3);
const RUNS = { numRuns: 1000 };

function event(seqNo: number, over: Partial<SignalEvent> = {}): SignalEvent {
  return {
    seqNo,
    signal: seqNo % 3,
    tenant: seqNo % 2 ? 'acme' : '',
    entity: `article-${seqNo}`,
    weight: seqNo - 2.5,
    timeMs: 5_000 + seqNo,
    hlc: { wallMs: 5_000 + seqNo, logical: seqNo % 3, node: 'eu-west' },
    origin: 'eu-west@2',
    originVersion: seqNo,
    idempotencyKey: seqNo % 2 ? '' : `k-${seqNo}`,
    ...over,
  };
}

const VALID = codec.encode(4, 2, 'eu-west', 0, 11, [event(11), event(12), event(13)]);

/** Decodes, allowing only a CorruptBatchError to escape. */
function decodeOrRefuse(bytes: Uint8Array): ReturnType<BatchCodec['decode']> | CorruptBatchError {
  try {
    return codec.decode(bytes);
  } catch (err) {
    assert.ok(err instanceof CorruptBatchError, `decode threw ${String(err)}`);
    assert.match(err.message, /^corrupt batch: .+; the batch was not applied/);
    return err;
  }
}

/** Re-seals `batch` around a new payload with valid CRCs (and optionally other header fields). */
function reseal(
  batch: Uint8Array,
  payload: Uint8Array,
  over: { eventCount?: number; firstSeqNo?: number } = {},
): Uint8Array {
  const h = decodeHeader(batch);
  const out = new Uint8Array(HEADER_V2_BYTES + payload.length);
  out.set(payload, HEADER_V2_BYTES);
  writeHeaderV2(out, 0, { ...h, ...over }, HEADER_V2_BYTES, payload.length);
  return out;
}

function refusal(bytes: Uint8Array): string {
  const r = decodeOrRefuse(bytes);
  assert.ok(r instanceof CorruptBatchError, 'expected the batch to be refused');
  return r.reason;
}

test('bad input: arbitrary bytes decode only to a CorruptBatchError', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      assert.ok(decodeOrRefuse(bytes) instanceof CorruptBatchError);
    }),
    RUNS,
  );
});

test('bad input: bytes behind a valid magic and version decode only to a CorruptBatchError', () => {
  const prefix = new Uint8Array(6);
  new DataView(prefix.buffer).setUint32(0, MAGIC, true);
  fc.assert(
    fc.property(fc.constantFrom(1, 2), fc.uint8Array({ maxLength: 300 }), (version, rest) => {
      prefix[4] = version;
      const bytes = new Uint8Array(6 + rest.length);
      bytes.set(prefix);
      bytes.set(rest, 6);
      assert.ok(decodeOrRefuse(bytes) instanceof CorruptBatchError);
    }),
    RUNS,
  );
});

test('bad input: a damaged batch is refused or decodes to exactly what was sent, never to something else', () => {
  const sent = JSON.stringify(codec.decode(VALID));
  const damage = fc.record({
    flips: fc.array(fc.record({ at: fc.nat(VALID.length - 1), xor: fc.integer({ min: 0, max: 255 }) }), {
      maxLength: 8,
    }),
    keep: fc.integer({ min: 0, max: VALID.length }),
  });
  fc.assert(
    fc.property(damage, ({ flips, keep }) => {
      const bytes = VALID.slice(0, keep);
      for (const f of flips) if (f.at < bytes.length) bytes[f.at]! ^= f.xor;
      const r = decodeOrRefuse(bytes);
      if (!(r instanceof CorruptBatchError)) assert.equal(JSON.stringify(r), sent);
    }),
    RUNS,
  );
});

test('bad input: valid CRCs around impossible content are still refused, each with its reason', () => {
  const withEvent = (over: Partial<SignalEvent>): Uint8Array =>
    codec.encode(4, 2, 'eu-west', 0, 11, [event(11), event(12, over)]);
  assert.match(refusal(withEvent({ weight: NaN })), /non-finite weight/);
  assert.match(refusal(withEvent({ weight: -Infinity })), /non-finite weight/);
  assert.match(refusal(withEvent({ timeMs: Infinity })), /non-finite weight or event time/);
  assert.match(refusal(withEvent({ signal: 7 })), /signal index 7 is not in the schema/);
  assert.match(refusal(withEvent({ entity: '' })), /empty entity id/);
  // A sender with a bigger region table names a region this replica does not know.
  const wide = new BatchCodec(['us-east', 'eu-west', 'ap-south', 'sa-east'], 3);
  const foreign = wide.encode(4, 2, 'eu-west', 0, 11, [
    event(11, { hlc: { wallMs: 1, logical: 0, node: 'sa-east' } }),
  ]);
  assert.match(refusal(foreign), /region index 3 is outside the region table/);

  const payload = VALID.subarray(HEADER_V2_BYTES);
  const padded = new Uint8Array(payload.length + 3);
  padded.set(payload);
  assert.match(refusal(reseal(VALID, padded)), /3 bytes after the last of 3 events/);
  assert.match(
    refusal(reseal(VALID, payload, { eventCount: 4 })),
    /truncated: event kind needs 1 bytes, 0 left/,
  );
  const badKind = payload.slice();
  badKind[0] = 9;
  assert.match(refusal(reseal(VALID, badKind)), /unknown event kind 9/);
  // The entity of the first event is "article-11": make its first byte a lone continuation byte.
  const badUtf8 = payload.slice();
  const entityAt = 2 + 2 + (event(11).tenant.length ? 4 : 0) + 2;
  badUtf8[entityAt] = 0xbf;
  assert.match(refusal(reseal(VALID, badUtf8)), /entity is not valid UTF-8/);
});

test('bad input: a header field past 2^53 and an unknown version are refused, whatever the CRC', () => {
  const big = VALID.slice();
  new DataView(big.buffer).setUint32(16 + 4, 0x0020_0000, true); // firstSeqNo high word
  assert.match(refusal(big), /header CRC-32C mismatch/);
  const resealed = reseal(VALID, VALID.subarray(HEADER_V2_BYTES), { firstSeqNo: 2 ** 53 });
  assert.match(refusal(resealed), /u64 field exceeds 2\^53/);
  const v3 = VALID.slice();
  v3[4] = 3;
  assert.match(refusal(v3), /unknown batch version 3 \(this build reads versions 1 and 2\)/);
});
