// FNV-1a: the string forms hash exactly the UTF-8 bytes TextEncoder gives (surrogate pairs, lone
// surrogates, every plane). FNV's published vectors are checked in src/engine/conformance.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fnv1a32, fnv1a64 } from './hash';

const utf8 = new TextEncoder();

function fnv1a32Bytes(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193);
  return h >>> 0;
}

test('fnv1a: string forms equal the byte forms over the UTF-8 encoding of any string', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (s) => {
      const bytes = utf8.encode(s);
      assert.equal(fnv1a64(s), fnv1a64(bytes));
      assert.equal(fnv1a32(s), fnv1a32Bytes(bytes));
    }),
    { numRuns: 2000 },
  );
  for (const s of ['\ud800', 'a\udc00b', '\ud83d\ude00', '\u07ff\u0800\uffff'])
    assert.equal(fnv1a64(s), fnv1a64(utf8.encode(s)), JSON.stringify(s));
});

test('fnv1a32: continuing from a value equals hashing the concatenation', () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), (a, b) => assert.equal(fnv1a32(b, fnv1a32(a)), fnv1a32(a + b))),
  );
});
