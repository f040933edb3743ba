/**
 * The WAL's recovery promise: whatever a crash or a bad disk did to the tail of the log,
 * recovery keeps every complete batch before the first bad byte, truncates the rest and says how
 * much, never invents an event, and throws nothing but typed errors. Also: size-based rolling
 * with shard-aware names, refusing a foreign shard's segment or a gap, and real files.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { BatchCodec, type SignalEvent } from '../batch/codec';
import { FLAG_LOCAL } from '../batch/header';
import { TidalError, WalRecoveryError } from '../errors';
import { FileStorage, MemoryStorage, type WalStorage } from './storage';
import { segmentName, Wal, type RecoveryReport } from './wal';

const REGIONS = ['us-east', 'eu-west'];
const codec = new BatchCodec(REGIONS, 2);
const DIR = 'us-east/0';

function event(seqNo: number, entity = `article-${seqNo}`): SignalEvent {
  return {
    seqNo,
    signal: seqNo % 2,
    tenant: seqNo % 3 === 0 ? 'acme' : '',
    entity,
    weight: seqNo * 0.5,
    timeMs: 1_000 + seqNo,
    hlc: { wallMs: 1_000 + seqNo, logical: seqNo % 4, node: 'us-east' },
    origin: 'us-east@1',
    originVersion: seqNo,
    idempotencyKey: seqNo % 4 === 0 ? `key-${seqNo}` : '',
  };
}

function batch(first: number, count: number, shard = 0): Uint8Array {
  const events = Array.from({ length: count }, (_, i) => event(first + i));
  return codec.encode(shard, 1, 'us-east', 0, first, events);
}

function localRecord(): Uint8Array {
  return codec.encode(0, 1, 'us-east', FLAG_LOCAL, 0, [{ ...event(0, 'local-1'), seqNo: 0 }]);
}

function open(storage: WalStorage, segmentBytes?: number, shard = 0): Wal {
  return new Wal(storage, DIR, shard, codec, segmentBytes ? { segmentBytes } : {});
}

function append(wal: Wal, bytes: Uint8Array): void {
  wal.append(bytes, codec.decode(bytes).header);
}

/** A segment of several batches (1, 3, 2 and 4 events, and a local write): its bytes and record ends. */
function sampleSegment(): { bytes: Uint8Array; ends: number[]; events: number[] } {
  const storage = new MemoryStorage();
  const wal = open(storage);
  const records = [batch(1, 1), batch(2, 3), localRecord(), batch(5, 2), batch(7, 4)];
  const ends: number[] = [];
  const events: number[] = [];
  let at = 0;
  let total = 0;
  for (const r of records) {
    append(wal, r);
    at += r.length;
    total += codec.decode(r).events.length;
    ends.push(at);
    events.push(total);
  }
  const [name] = storage.list(DIR);
  return { bytes: storage.read(DIR, name!).slice(), ends, events };
}

const ORIGINAL = new Map(
  Array.from({ length: 10 }, (_, i) => event(i + 1)).map((e) => [e.seqNo, JSON.stringify(e)]),
);

/** Recovers a single segment holding `bytes`; the report, the WAL and what is left on disk. */
function recoverSegment(bytes: Uint8Array): { report: RecoveryReport; wal: Wal; left: number } {
  const storage = new MemoryStorage();
  const name = segmentName(0, 1);
  storage.append(DIR, name, bytes);
  const wal = open(storage);
  const report = wal.recover();
  return { report, wal, left: storage.size(DIR, name) };
}

/** Every recovered replicated event is the original one at its SeqNo, with no gaps. */
function assertNothingInvented(wal: Wal): void {
  const events = wal.eventsFrom(1, 1_000);
  events.forEach((e, i) => {
    assert.equal(e.seqNo, i + 1);
    assert.equal(JSON.stringify(e), ORIGINAL.get(e.seqNo), `event ${e.seqNo} differs from what was written`);
  });
  assert.equal(events.length, wal.lastSeq);
}

/** What recovery must keep of a segment whose first bad byte is at `bad`. */
function expectedKeep(
  ends: number[],
  events: number[],
  bad: number,
): { batches: number; events: number; end: number } {
  let batches = 0;
  while (batches < ends.length && ends[batches]! <= bad) batches++;
  return { batches, events: batches ? events[batches - 1]! : 0, end: batches ? ends[batches - 1]! : 0 };
}

test('wal: recovery: every truncation point of a multi-batch segment keeps each complete batch', () => {
  const { bytes, ends, events } = sampleSegment();
  for (let cut = 0; cut <= bytes.length; cut++) {
    const { report, wal, left } = recoverSegment(bytes.slice(0, cut));
    const want = expectedKeep(ends, events, cut);
    assert.equal(report.batches, want.batches, `cut at ${cut}`);
    assert.equal(report.events, want.events, `cut at ${cut}`);
    assert.equal(report.truncatedBytes, cut - want.end, `cut at ${cut}`);
    assert.equal(left, want.end, `cut at ${cut}: the torn tail is gone from the disk`);
    assertNothingInvented(wal);
    // The log goes on where it was cut: the next batch extends it, and recovers again.
    const storage = new MemoryStorage();
    storage.append(DIR, segmentName(0, 1), bytes.slice(0, cut));
    const again = open(storage);
    again.recover();
    append(again, batch(again.lastSeq + 1, 2));
    const reopened = open(storage);
    assert.equal(reopened.recover().truncatedBytes, 0);
    assert.equal(reopened.lastSeq, again.lastSeq);
  }
});

test('wal: recovery: random corruptions never invent events and keep every batch before the first bad byte', () => {
  const { bytes, ends, events } = sampleSegment();
  const flips = fc.uniqueArray(
    fc.record({ at: fc.nat(bytes.length - 1), xor: fc.integer({ min: 1, max: 255 }) }),
    { minLength: 1, maxLength: 6, selector: (f) => f.at },
  );
  fc.assert(
    fc.property(flips, fc.option(fc.nat(bytes.length), { nil: undefined }), (fs_, cut) => {
      const damaged = bytes.slice(0, cut ?? bytes.length);
      for (const f of fs_) if (f.at < damaged.length) damaged[f.at]! ^= f.xor;
      const firstBad = Math.min(damaged.length, ...fs_.map((f) => f.at));
      let result: ReturnType<typeof recoverSegment>;
      try {
        result = recoverSegment(damaged);
      } catch (err) {
        assert.ok(err instanceof TidalError, `recovery threw an untyped ${String(err)}`);
        throw err; // a single segment's tail is always truncated, never refused
      }
      const want = expectedKeep(ends, events, firstBad);
      assert.equal(result.report.batches, want.batches);
      assert.equal(result.report.events, want.events);
      assert.equal(result.report.truncatedBytes, damaged.length - want.end);
      assertNothingInvented(result.wal);
    }),
    { numRuns: 1000 },
  );
});

test('wal: recovery: a bad byte in a segment that is not the last is refused, never skipped', () => {
  const storage = new MemoryStorage();
  const wal = open(storage, 400);
  for (let s = 1; s <= 10; s += 2) append(wal, batch(s, 2));
  const names = storage.list(DIR);
  assert.ok(names.length >= 3, `expected rolled segments, got ${names.join(', ')}`);
  const segments = names.map((n) => storage.read(DIR, n).slice());
  fc.assert(
    fc.property(fc.nat(names.length - 1), fc.nat(), fc.integer({ min: 1, max: 255 }), (i, pos, xor) => {
      const disk = new MemoryStorage();
      segments.forEach((b, j) => {
        const copy = b.slice();
        if (j === i) copy[pos % copy.length]! ^= xor;
        disk.append(DIR, names[j]!, copy);
      });
      const w = open(disk, 400);
      if (i === names.length - 1) {
        const report = w.recover();
        assert.ok(report.truncatedBytes > 0);
        assertNothingInvented(w);
      } else {
        assert.throws(() => w.recover(), WalRecoveryError);
      }
    }),
    { numRuns: 1000 },
  );
});

test('wal: rolling: a new segment starts when the next batch would pass segmentBytes, named <shard:5>-<firstSeqNo:20>.wal', () => {
  const storage = new MemoryStorage();
  const wal = new Wal(storage, 'eu-west/3', 3, codec, { segmentBytes: 500 });
  const sizes: number[] = [];
  for (let s = 1; s <= 12; s += 2) {
    const b = batch(s, 2, 3);
    sizes.push(b.length);
    wal.append(b, codec.decode(b).header);
  }
  const names = storage.list('eu-west/3');
  for (const n of names) assert.match(n, /^00003-\d{20}\.wal$/);
  // Batches per segment follow from the sizes: fill up to 500 bytes, then roll.
  const expected: string[] = [];
  let size = Infinity;
  sizes.forEach((len, i) => {
    if (size + len > 500) {
      expected.push(segmentName(3, 1 + 2 * i));
      size = 0;
    }
    size += len;
  });
  assert.deepEqual(names, expected);
  assert.equal(segmentName(3, 1), '00003-00000000000000000001.wal');
  for (const n of names) assert.ok(storage.size('eu-west/3', n) <= 500);
  assert.equal(wal.segments, names.length);
  const reopened = new Wal(storage, 'eu-west/3', 3, codec, { segmentBytes: 500 });
  assert.deepEqual(reopened.recover(), { segments: names.length, batches: 6, events: 12, truncatedBytes: 0 });
  assert.equal(reopened.currentSegment(), names.at(-1));
});

test('wal: recovery: a segment of another shard is a WalRecoveryError', () => {
  const storage = new MemoryStorage();
  const wal = open(storage);
  append(wal, batch(1, 2));
  storage.append(DIR, segmentName(1, 3), batch(3, 2, 1));
  assert.throws(
    () => open(storage).recover(),
    (err: Error) => {
      assert.ok(err instanceof WalRecoveryError);
      assert.match(err.message, /segment of shard 1 in the WAL of shard 0/);
      return true;
    },
  );
});

test('wal: recovery: a valid record of another shard inside a segment is a WalRecoveryError, not a torn tail', () => {
  const storage = new MemoryStorage();
  storage.append(DIR, segmentName(0, 1), batch(1, 2));
  storage.append(DIR, segmentName(0, 1), batch(3, 2, 7));
  assert.throws(() => open(storage).recover(), /record of shard 7/);
});

test('wal: recovery: a gap between segments is a WalRecoveryError', () => {
  const storage = new MemoryStorage();
  storage.append(DIR, segmentName(0, 1), batch(1, 3));
  storage.append(DIR, segmentName(0, 7), batch(7, 3));
  assert.throws(
    () => open(storage).recover(),
    (err: Error) => {
      assert.ok(err instanceof WalRecoveryError);
      assert.match(err.message, /gap in the log: SeqNo 3 is followed by 7/);
      return true;
    },
  );
  // A log whose first segment is missing is a gap too.
  const headless = new MemoryStorage();
  headless.append(DIR, segmentName(0, 4), batch(4, 3));
  assert.throws(() => open(headless).recover(), /SeqNo 0 is followed by 4/);
});

test('wal: recovery: a record that adds nothing to the log is a WalRecoveryError', () => {
  const storage = new MemoryStorage();
  storage.append(DIR, segmentName(0, 1), batch(1, 3));
  storage.append(DIR, segmentName(0, 1), batch(2, 2));
  assert.throws(() => open(storage).recover(), WalRecoveryError);
});

test('wal: recovery: overlapping records (a resent batch) count each event once', () => {
  const storage = new MemoryStorage();
  storage.append(DIR, segmentName(0, 1), batch(1, 3));
  storage.append(DIR, segmentName(0, 1), batch(2, 4));
  const wal = open(storage);
  assert.deepEqual(wal.recover(), { segments: 1, batches: 2, events: 5, truncatedBytes: 0 });
  assertNothingInvented(wal);
});

test('wal: truncateAfter drops the suffix, returns it, and the log recovers without it', () => {
  const storage = new MemoryStorage();
  const wal = open(storage, 300);
  for (let s = 1; s <= 9; s += 3) append(wal, batch(s, 3));
  const dropped = wal.truncateAfter(5, 'us-east');
  assert.deepEqual(
    dropped.map((e) => e.seqNo),
    [6, 7, 8, 9],
  );
  assert.equal(wal.lastSeq, 5);
  const reopened = open(storage, 300);
  assert.equal(reopened.recover().events, 5);
  assertNothingInvented(reopened);
});

test('wal: durable: segments on real files survive a reopen and a torn tail is cut from the file', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tidal-wal-test-'));
  try {
    const files = new FileStorage(root);
    const wal = open(files, 400);
    for (let s = 1; s <= 10; s += 2) append(wal, batch(s, 2));
    files.close();
    const dir = path.join(root, DIR);
    const names = fs.readdirSync(dir).sort();
    assert.deepEqual(names, files.list(DIR));
    assert.ok(names.length >= 2);
    // A crash in the middle of the next write leaves part of it at the end of the last file.
    const last = path.join(dir, names.at(-1)!);
    fs.appendFileSync(last, batch(11, 2).subarray(0, 37));
    const before = fs.statSync(last).size;

    const reopenedFiles = new FileStorage(root);
    const reopened = open(reopenedFiles, 400);
    assert.deepEqual(reopened.recover(), {
      segments: names.length,
      batches: 5,
      events: 10,
      truncatedBytes: 37,
    });
    assert.equal(fs.statSync(last).size, before - 37);
    assertNothingInvented(reopened);
    append(reopened, batch(11, 2));
    reopenedFiles.close();
    const thirdFiles = new FileStorage(root);
    assert.equal(open(thirdFiles, 400).recover().events, 12);
    thirdFiles.close();
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  assert.equal(fs.existsSync(root), false, `${root} was left behind`);
});

test('wal: the stamp of a logged event, read in place, is the decoded event’s; none past the log', () => {
  const wal = open(new MemoryStorage());
  for (const [first, count] of [
    [1, 3],
    [4, 1],
    [5, 6],
  ] as const) {
    const bytes = batch(first, count);
    wal.append(bytes, codec.header(bytes));
  }
  for (let seq = 1; seq <= 10; seq++) assert.deepEqual(wal.stampOf(seq), wal.eventsFrom(seq, 1)[0]!.hlc);
  assert.equal(wal.stampOf(11), undefined);
  assert.equal(wal.stampOf(0), undefined);
});
