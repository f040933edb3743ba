// Control frames between replicas (acknowledgements and the anti-entropy exchange): every frame
// survives its encoding unchanged, and every defect — too short, a bad checksum or magic, an
// unknown type, a field cut off, bytes left over — is refused with a CorruptBatchError that says
// which, never decoded into something else.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { MAGIC as BATCH_MAGIC } from '../batch/header';
import { crc32c } from '../crc32c';
import { CorruptBatchError } from '../errors';
import { AckStatus, FrameCodec, FrameType, isBatch, type Frame } from './messages';

const REGIONS = ['us-east', 'eu-west', 'ap-south'];
const codec = new FrameCodec(
  (r) => REGIONS.indexOf(r),
  (i) => REGIONS[i]!,
);

/** A frame body (everything before the CRC) sealed with a correct CRC-32C, as a sender would. */
function seal(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 4);
  out.set(body);
  new DataView(out.buffer).setUint32(body.length, crc32c(body), true);
  return out;
}

function bodyOf(f: Frame): Uint8Array {
  const bytes = codec.encode(f);
  return bytes.subarray(0, bytes.length - 4);
}

function refusal(bytes: Uint8Array): CorruptBatchError {
  try {
    codec.decode(bytes);
  } catch (err) {
    assert.ok(err instanceof CorruptBatchError, String(err));
    return err;
  }
  assert.fail('expected a CorruptBatchError');
}

/** Records with an ordinary prototype, as decode builds them. */
const rec = <T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }): fc.Arbitrary<T> =>
  fc.record(model, { noNullPrototype: true });
const str = fc.string({ maxLength: 6 });
const u32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
const shard = fc.integer({ min: 0, max: 0xffff });
const frame: fc.Arbitrary<Frame> = fc.oneof(
  rec({
    type: fc.constant(FrameType.Ack as const),
    shard,
    epoch: u32,
    appliedSeqNo: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    status: fc.constantFrom(
      ...(Object.values(AckStatus).filter((v) => typeof v === 'number') as AckStatus[]),
    ),
    hlc: rec({
      wallMs: fc.integer({ min: 0, max: 2 ** 45 }),
      logical: u32,
      node: fc.constantFrom(...REGIONS),
    }),
  }),
  rec({
    type: fc.constant(FrameType.Digest as const),
    shard,
    round: u32,
    digests: fc.array(u32, { maxLength: 20 }).map((d) => Uint32Array.from(d)),
  }),
  rec({
    type: fc.constant(FrameType.Summary as const),
    shard,
    round: u32,
    buckets: fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 10 }),
    entries: fc.array(
      rec({
        tenant: str,
        entity: str,
        signal: fc.integer({ min: 0, max: 255 }),
        origins: fc.array(rec({ origin: str, version: u32 }), { maxLength: 4 }),
      }),
      { maxLength: 5 },
    ),
  }),
  rec({
    type: fc.constant(FrameType.States as const),
    shard,
    round: u32,
    states: fc.uint8Array({ maxLength: 40 }),
    pull: fc.array(rec({ tenant: str, entity: str, signal: fc.integer({ min: 0, max: 255 }) }), {
      maxLength: 5,
    }),
  }),
);

test('frames: every frame decodes back to itself', () => {
  fc.assert(
    fc.property(frame, (f) => {
      const back = codec.decode(codec.encode(f));
      assert.deepEqual(back, f);
    }),
    { numRuns: 500 },
  );
});

/** One frame of each type, with the fields of its encoding in order and their sizes in bytes. */
const SAMPLES: { frame: Frame; layout: [field: string, bytes: number][] }[] = [
  {
    frame: {
      type: FrameType.Ack,
      shard: 3,
      epoch: 2,
      appliedSeqNo: 7,
      status: AckStatus.Gap,
      hlc: { wallMs: 5, logical: 1, node: 'eu-west' },
    },
    layout: [
      ['epoch', 4],
      ['applied', 8],
      ['status', 1],
      ['hlc wall', 8],
      ['hlc logical', 4],
      ['hlc node', 2],
    ],
  },
  {
    frame: { type: FrameType.Digest, shard: 3, round: 4, digests: Uint32Array.from([1, 2]) },
    layout: [
      ['round', 4],
      ['digest count', 2],
      ['digest', 4],
      ['digest', 4],
    ],
  },
  {
    frame: {
      type: FrameType.Summary,
      shard: 3,
      round: 4,
      buckets: [3, 9],
      entries: [{ tenant: 'acme', entity: 'e-1', signal: 1, origins: [{ origin: 'us-east@1', version: 2 }] }],
    },
    layout: [
      ['round', 4],
      ['bucket count', 2],
      ['bucket', 2],
      ['bucket', 2],
      ['entry count', 4],
      ['tenant', 6],
      ['entity', 5],
      ['signal', 1],
      ['origin count', 1],
      ['origin', 11],
      ['version', 4],
    ],
  },
  {
    frame: {
      type: FrameType.States,
      shard: 3,
      round: 4,
      states: Uint8Array.from([1, 2, 3]),
      pull: [{ tenant: 'acme', entity: 'e-1', signal: 1 }],
    },
    layout: [
      ['round', 4],
      ['states length', 4],
      ['states', 3],
      ['pull count', 4],
      ['tenant', 6],
      ['entity', 5],
      ['signal', 1],
    ],
  },
];

/** Magic, frame type and shard: the 7 bytes every frame starts with. */
const COMMON_BYTES = 7;

test('frames: a frame cut off anywhere (with a valid checksum) is refused naming the field cut off', () => {
  for (const { frame: f, layout } of SAMPLES) {
    const body = bodyOf(f);
    assert.equal(body.length, COMMON_BYTES + layout.reduce((n, [, b]) => n + b, 0), FrameType[f.type]);
    let at = COMMON_BYTES;
    for (const [field, size] of layout) {
      for (let cut = at; cut < at + size; cut++) {
        const err = refusal(seal(body.subarray(0, cut)));
        const want =
          field === 'states'
            ? new RegExp(`^states of 3 bytes, ${cut - at} left$`)
            : new RegExp(`^truncated: ${field}( length)? needs`);
        assert.match(err.reason, want, `${FrameType[f.type]} cut at byte ${cut} (in ${field})`);
      }
      at += size;
    }
  }
});

test('frames: fewer than 11 bytes (header and checksum) is a short frame', () => {
  const whole = codec.encode(SAMPLES[0]!.frame);
  for (let n = 0; n < 11; n++) {
    assert.match(refusal(whole.subarray(0, n)).reason, new RegExp(`^short frame: ${n} bytes$`));
    assert.match(refusal(new Uint8Array(n)).reason, /^short frame/);
  }
});

test('frames: a flipped bit anywhere fails the checksum', () => {
  for (const { frame: f } of SAMPLES) {
    const bytes = codec.encode(f);
    for (let i = 0; i < bytes.length; i++) {
      const bad = bytes.slice();
      bad[i] = bad[i]! ^ 0x04;
      const err = refusal(bad);
      assert.equal(err.reason, 'frame CRC-32C mismatch');
      assert.equal(err.offset, bytes.length - 4);
    }
  }
});

test('frames: a checksummed frame with another magic, an unknown type or bytes left over is refused', () => {
  const body = bodyOf(SAMPLES[1]!.frame).slice();
  const magic = body.slice();
  magic[0] = magic[0]! ^ 1;
  assert.equal(refusal(seal(magic)).reason, 'bad frame magic');
  const type = body.slice();
  type[4] = 9;
  assert.equal(refusal(seal(type)).reason, 'unknown frame type 9');
  const longer = new Uint8Array(body.length + 2);
  longer.set(body);
  const err = refusal(seal(longer));
  assert.equal(err.reason, '2 trailing bytes in frame');
  assert.equal(err.offset, body.length);
});

test('frames: a batch is told from a frame by its first four bytes, whatever follows', () => {
  const magic = new Uint8Array(4);
  new DataView(magic.buffer).setUint32(0, BATCH_MAGIC, true);
  assert.equal(isBatch(magic), true);
  assert.equal(isBatch(Uint8Array.from([...magic, 0, 1, 2])), true);
  for (let n = 0; n < 4; n++) assert.equal(isBatch(magic.subarray(0, n)), false);
  assert.equal(isBatch(codec.encode(SAMPLES[0]!.frame)), false);
});
