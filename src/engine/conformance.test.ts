// Conformance: the engine against the golden vectors of conformance/ (written by
// `npm run conformance:write`), both ways: hashing and encoding give the recorded outputs and
// bytes, decoding the recorded bytes gives the recorded fields, and every refused batch is refused.
// FNV, jump hash and CRC-32C are also checked against outputs other projects published
// (scripts/conformance/published.ts cites each), so these tests are not the engine agreeing with
// itself.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { BatchCodec, type SignalEvent } from './batch/codec';
import {
  decodeHeader,
  HEADER_V1_BYTES,
  HEADER_V2_BYTES,
  writeHeaderV1,
  type BatchHeader,
} from './batch/header';
import { crc32c } from './crc32c';
import { CorruptBatchError } from './errors';
import { fnv1a32, fnv1a64, hex64 } from './hash';
import { jumpHash, jumpHashHiLo, splitU64 } from './routing/jump-hash';
import { routingKeyHash, ShardRouter } from './routing/shard-router';
import { TenantRouter } from './routing/tenant-router';
import { MemoryStorage } from './wal/storage';
import { Wal } from './wal/wal';

const DIR = path.join(__dirname, '..', '..', 'conformance');
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON read for checking, field by field
const load = (name: string): any => JSON.parse(fs.readFileSync(path.join(DIR, name), 'utf8'));
const bytes = (hex: string): Uint8Array => new Uint8Array(Buffer.from(hex, 'hex'));
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const hex32 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');

interface BatchVector {
  name: string;
  hex: string;
  header: BatchHeader;
  events: SignalEvent[];
}

test("conformance: FNV-1a 32 and 64 give FNV's published vectors and the recorded UTF-8 ones", () => {
  const f = load('fnv1a.json');
  assert.ok(f.published.length >= 26, 'the published vectors are there');
  assert.ok(f.published.some((v: { fnv1a64: string }) => v.fnv1a64 === '85944171f73967e8')); // "foobar"
  for (const v of f.published) {
    const input = bytes(v.input_hex);
    assert.equal(hex64(fnv1a64(input)), v.fnv1a64, `FNV-1a 64 of ${v.input_hex} (${v.source})`);
    if (v.fnv1a32 !== undefined) {
      const s = Buffer.from(input).toString('latin1'); // these inputs are ASCII: one byte a character
      assert.equal(hex32(fnv1a32(s)), v.fnv1a32, `FNV-1a 32 of ${v.input_hex} (${v.source})`);
    }
  }
  for (const v of f.utf8) {
    assert.equal(hexOf(new TextEncoder().encode(v.input)), v.input_hex);
    assert.equal(hex64(fnv1a64(v.input)), v.fnv1a64, `FNV-1a 64 of ${JSON.stringify(v.input)}`);
    assert.equal(hex64(fnv1a64(bytes(v.input_hex))), v.fnv1a64);
    assert.equal(hex32(fnv1a32(v.input)), v.fnv1a32, `FNV-1a 32 of ${JSON.stringify(v.input)}`);
  }
});

test('conformance: jump hash gives the buckets Guava and go-jump published, and the recorded ones', () => {
  const f = load('jump-hash.json');
  assert.ok(f.published.length >= 100, 'the published vectors are there');
  for (const v of [...f.published, ...f.engine]) {
    const key = BigInt(v.key);
    assert.equal(hex64(key), v.key_hex);
    const where = `jump(${v.key}, ${v.buckets})${v.source ? ` (${v.source})` : ''}`;
    assert.equal(jumpHash(key, v.buckets), v.bucket, where);
    assert.equal(jumpHashHiLo(...splitU64(key), v.buckets), v.bucket, `${where}, 2x32-bit form`);
  }
});

test('conformance: CRC-32C gives the RFC 3720 and catalogue check values, and the recorded ones', () => {
  const f = load('crc32c.json');
  assert.ok(f.published.some((v: { crc32c: string }) => v.crc32c === 'e3069283'));
  for (const v of [...f.published, ...f.engine])
    assert.equal(hex32(crc32c(bytes(v.input_hex))), v.crc32c, `CRC-32C of ${v.input_hex.slice(0, 32)}…`);
});

test('conformance: routing: key bytes, FNV-1a 64 and shard for every recorded (tenant, entity, count)', () => {
  const f = load('routing.json');
  const utf8 = new TextEncoder();
  for (const v of f.vectors) {
    const tenant: string = v.tenant ?? '';
    const key =
      tenant === ''
        ? utf8.encode(v.entity)
        : new Uint8Array([...utf8.encode(tenant), 0, ...utf8.encode(v.entity)]);
    assert.equal(hexOf(key), v.routing_key_hex, `routing key of ${tenant}/${v.entity}`);
    assert.equal(hex64(routingKeyHash(tenant, v.entity)), v.fnv1a64);
    assert.equal(hex64(fnv1a64(key)), v.fnv1a64);
    for (const [count, shard] of Object.entries(v.shards))
      assert.equal(
        new ShardRouter(Number(count)).shardFor(v.entity, tenant),
        shard,
        `${tenant}/${v.entity} of ${count}`,
      );
  }
  for (const v of f.tenant_shard_sets) {
    const r = new TenantRouter(new ShardRouter(v.shard_count), ['us-east'], 'us-east', {
      [v.tenant]: { homeRegion: 'us-east', shards: v.tenant_shards },
    });
    assert.equal(r.shardFor(v.tenant, v.entity), v.shard, `${v.tenant}/${v.entity} on ${v.tenant_shards}`);
    const sorted = [...v.tenant_shards].sort((a: number, b: number) => a - b);
    const [hi, lo] = splitU64(routingKeyHash(v.tenant, v.entity));
    assert.equal(sorted[jumpHashHiLo(hi, lo, sorted.length)], v.shard, 'the jump indexes the sorted set');
  }
});

test('conformance: batches: decoding the bytes gives the fields; encoding the fields gives the bytes', () => {
  const f = load('batches.json');
  const codec = new BatchCodec(f.region_table, f.signal_table.length);
  const names = f.batches.map((b: BatchVector) => b.name);
  assert.deepEqual(names, ['v2 replicated', 'v2 local', 'v2 empty', 'v1']);
  for (const b of f.batches as BatchVector[]) {
    const got = codec.decode(bytes(b.hex));
    assert.deepEqual(got.header, b.header, `${b.name}: header`);
    assert.deepEqual(got.events, b.events, `${b.name}: events`);
    const h = b.header;
    const v2 = codec.encode(
      h.shard,
      h.epoch,
      f.region_table[h.version === 2 ? h.originIndex : 0],
      h.flags,
      h.firstSeqNo,
      b.events,
    );
    if (h.version === 2) {
      assert.equal(hexOf(v2), b.hex, `${b.name}: encoded`);
      continue;
    }
    const v1 = new Uint8Array(HEADER_V1_BYTES + h.payloadLength);
    v1.set(v2.subarray(HEADER_V2_BYTES), HEADER_V1_BYTES);
    writeHeaderV1(v1, h, h.payloadLength);
    assert.equal(hexOf(v1), b.hex, `${b.name}: encoded`);
  }
  for (const r of f.refused)
    assert.throws(
      () => codec.decode(bytes(r.hex)),
      (err: unknown) => err instanceof CorruptBatchError && err.message.includes(r.error),
      r.name,
    );
});

test('conformance: WAL segment: recovery reads the recorded records; re-encoding them gives the bytes', () => {
  const f = load('wal-segment.json');
  const codec = new BatchCodec(f.region_table, f.signal_table.length);
  const storage = new MemoryStorage();
  storage.append('wal', f.segment_name, bytes(f.hex));
  const wal = new Wal(storage, 'wal', f.shard, codec);
  const report = wal.recover();
  assert.deepEqual(report, { segments: 1, batches: f.records.length, events: 4, truncatedBytes: 0 });
  const encoded: string[] = [];
  f.records.forEach((r: BatchVector & { offset: number; byte_length: number }, i: number) => {
    const rec = wal.records[i]!;
    assert.deepEqual(rec.header, r.header, `record ${i}: header`);
    assert.deepEqual(codec.decodeEvents(rec.bytes, rec.header), r.events, `record ${i}: events`);
    assert.equal(decodeHeader(bytes(f.hex), r.offset).byteLength, r.byte_length);
    const h = r.header;
    encoded.push(
      hexOf(codec.encode(h.shard, h.epoch, f.region_table[h.originIndex], h.flags, h.firstSeqNo, r.events)),
    );
  });
  assert.equal(encoded.join(''), f.hex);
});
