import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CONTROL_SHARD,
  decodeControl,
  encodeControl,
  encodeFrame,
  FrameDecoder,
  MAX_FRAME_BYTES,
} from './wire';

test('wire: frames cut from a stream arrive whole, whatever the chunking', () => {
  const a = encodeFrame(3, new Uint8Array([1, 2, 3]));
  const b = encodeFrame(0, new Uint8Array(1_000).fill(7));
  const all = Buffer.concat([a, b, encodeControl({ type: 'heartbeat' })]);
  for (const step of [1, 2, 5, 7, 100, all.length]) {
    const d = new FrameDecoder();
    const got = [];
    for (let i = 0; i < all.length; i += step) got.push(...d.push(all.subarray(i, i + step)));
    assert.deepEqual(
      got.map((f) => [f.shard, f.bytes.length]),
      [
        [3, 3],
        [0, 1_000],
        [CONTROL_SHARD, 20],
      ],
      `chunks of ${step}`,
    );
    assert.deepEqual([...got[0]!.bytes], [1, 2, 3]);
  }
});

test('wire: a length of 0 or above the limit is refused before anything is read past it', () => {
  assert.throws(() => new FrameDecoder().push(Buffer.from([0, 0, 0, 0, 1, 0])), /frame length 0/);
  const big = Buffer.alloc(6);
  big.writeUInt32LE(MAX_FRAME_BYTES + 1, 0);
  assert.throws(() => new FrameDecoder().push(big), /above the limit of 16777216 bytes/);
  // A length at the limit is waited for, not refused.
  const atLimit = Buffer.alloc(6);
  atLimit.writeUInt32LE(MAX_FRAME_BYTES, 0);
  assert.deepEqual(new FrameDecoder().push(atLimit), []);
});

test('wire: control frames decode to a hello or a heartbeat, anything else to a reason', () => {
  const hello = { type: 'hello', cluster: 'c', region: 'us-east', protocol: 1 } as const;
  assert.deepEqual(decodeControl(encodeControl(hello).subarray(6)), hello);
  assert.match(decodeControl(Buffer.from('{nope')) as string, /not JSON/);
  assert.match(decodeControl(Buffer.from('{"type":"hello","cluster":1}')) as string, /unknown control frame/);
  assert.match(decodeControl(Buffer.from('null')) as string, /not an object/);
});
