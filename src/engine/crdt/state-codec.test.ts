// The byte encoding of CRDT signal states (what reconciliation ships and a MERGE record keeps):
// bad bytes are refused with a CorruptBatchError that names the field at fault, the format's
// one-byte counts are enforced rather than wrapped, and a peer's states decode to well-formed
// states whatever order its origins were written in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvariantViolation } from '../assert';
import { CorruptBatchError } from '../errors';
import { CrdtSignalState } from './signal-state';
import { decodeStates, encodeStates, type StateItem } from './state-codec';

/** One state with one origin, one counter and a last write: every field of the format once. */
function sample(): StateItem {
  const state = new CrdtSignalState();
  state.origins = [{ origin: 'o', version: 1, value: 2.5, refTimeMs: 3 }];
  state.counts.increment('o', 1);
  state.last.set({ timeMs: 3, weight: 2.5 }, { wallMs: 4, logical: 0, node: 'o' });
  return { tenant: 'acme-corp', entity: 'e', signal: 1, state };
}

/** The fields of `sample()` in order, with their sizes in bytes (strings: 2-byte length + 1). */
const LAYOUT: [field: string, bytes: number][] = [
  ['state count', 4],
  ['tenant', 11],
  ['entity', 3],
  ['signal', 1],
  ['origin count', 1],
  ['origin', 3],
  ['version', 4],
  ['value', 8],
  ['ref time', 8],
  ['counter count', 1],
  ['counter node', 3],
  ['increments', 4],
  ['decrements', 4],
  ['last flag', 1],
  ['hlc wall', 8],
  ['hlc logical', 4],
  ['hlc node', 3],
  ['last time', 8],
  ['last weight', 8],
];

function refusal(f: () => unknown): CorruptBatchError {
  try {
    f();
  } catch (err) {
    assert.ok(err instanceof CorruptBatchError, String(err));
    return err;
  }
  assert.fail('expected a CorruptBatchError');
}

test('state codec: the sample encodes to the documented fields, and decodes back equal', () => {
  const bytes = encodeStates([sample()]);
  assert.equal(
    bytes.length,
    LAYOUT.reduce((n, [, b]) => n + b, 0),
  );
  const [back] = decodeStates(bytes);
  assert.deepEqual(back, sample());
});

test('state codec: every truncation is refused with a CorruptBatchError naming the field cut off', () => {
  const bytes = encodeStates([sample()]);
  let at = 0;
  for (const [field, size] of LAYOUT) {
    for (let cut = at; cut < at + size; cut++) {
      const err = refusal(() => decodeStates(bytes.subarray(0, cut)));
      // From 4 to 8 bytes (the least one state takes), the count itself is implausible.
      const want =
        cut >= 4 && cut < 8 ? /state count 1 cannot fit/ : new RegExp(`truncated: ${field}( length)? needs`);
      assert.match(err.reason, want, `cut at byte ${cut} (in ${field})`);
    }
    at += size;
  }
});

test('state codec: a state count the bytes cannot hold is refused before reading on, also inside a larger buffer', () => {
  const outer = new Uint8Array(400).fill(0xee);
  const view = new DataView(outer.buffer);
  view.setUint32(100, 20, true); // "20 states" in bytes 100..112 of a record
  const err = refusal(() => decodeStates(outer, 100, 112));
  assert.match(err.reason, /^state count 20 cannot fit in 12 bytes$/);
  assert.equal(err.offset, 100);
  // The same encoding decodes wherever it sits.
  const bytes = encodeStates([sample(), sample()]);
  outer.set(bytes, 10);
  assert.deepEqual(decodeStates(outer, 10, 10 + bytes.length), [sample(), sample()]);
});

test('state codec: a signal index outside the schema is refused at its byte', () => {
  const bytes = encodeStates([sample()]); // signal 1
  assert.equal(decodeStates(bytes, 0, bytes.length, 2).length, 1);
  const err = refusal(() => decodeStates(bytes, 0, bytes.length, 1));
  assert.match(err.reason, /^signal index 1 is not in the schema$/);
  assert.equal(err.offset, 18);
});

test('state codec: trailing bytes after the last state are refused', () => {
  const bytes = encodeStates([sample()]);
  const longer = new Uint8Array(bytes.length + 3);
  longer.set(bytes);
  const err = refusal(() => decodeStates(longer));
  assert.match(err.reason, /^3 trailing bytes after 1 states$/);
  assert.equal(err.offset, bytes.length);
});

test('state codec: up to 255 origins and 255 counters fit; more is a broken invariant, never a wrapped count', () => {
  const withNodes = (origins: number, counters: number): StateItem => {
    const state = new CrdtSignalState();
    const name = (i: number): string => `r${String(i).padStart(3, '0')}@1`;
    for (let i = 0; i < origins; i++)
      state.origins.push({ origin: name(i), version: 1, value: i, refTimeMs: 0 });
    for (let i = 0; i < counters; i++) state.counts.increment(name(i), 1);
    return { tenant: '', entity: 'e', signal: 0, state };
  };
  for (const [origins, counters] of [
    [255, 0],
    [0, 255],
    [255, 255],
  ] as const) {
    const item = withNodes(origins, counters);
    assert.deepEqual(decodeStates(encodeStates([item])), [item]);
  }
  for (const [origins, counters] of [
    [256, 0],
    [0, 256],
  ] as const)
    assert.throws(
      () => encodeStates([withNodes(origins, counters)]),
      (err: unknown) =>
        err instanceof InvariantViolation &&
        err.message === `e: ${origins} origins, ${counters} counters; at most 255 fit`,
    );
});

test('state codec: origins sent in any order decode sorted, so the decoded state merges like any other', () => {
  const origins = ['us-east@1', 'eu-west@1', 'ap-south@1', 'us-east@2', 'eu-west@2'];
  const sorted = new CrdtSignalState();
  sorted.origins = origins
    .map((origin, i) => ({ origin, version: i + 1, value: i, refTimeMs: 0 }))
    .sort((a, b) => (a.origin < b.origin ? -1 : 1));
  for (const order of [
    [4, 3, 2, 1, 0],
    [2, 0, 4, 1, 3],
    [1, 0, 3, 2, 4],
  ]) {
    const peer = new CrdtSignalState();
    peer.origins = order.map((i) => ({ origin: origins[i]!, version: i + 1, value: i, refTimeMs: 0 }));
    const [back] = decodeStates(encodeStates([{ tenant: '', entity: 'e', signal: 0, state: peer }]));
    assert.deepEqual(back!.state.origins, sorted.origins, `sent in order ${order.join(',')}`);
    const local = new CrdtSignalState();
    local.merge(back!.state);
    assert.deepEqual(local.merge(sorted), [], 'nothing new: the same origins at the same versions');
  }
});
