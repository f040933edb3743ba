/**
 * `npm run conformance:write`: writes the golden vectors in conformance/ from the engine, next to
 * the externally published vectors of scripts/conformance/published.ts. Another implementation of
 * tidalDB checks itself against these files (conformance/README.md); src/engine/conformance.test.ts
 * checks this engine against them both ways (encoding gives the bytes, decoding gives the fields).
 *
 *   npm run conformance:write            rewrite every file (then prettier formats them)
 *
 * Regenerate only on purpose: a changed routing vector means stored entities change shards, and a
 * changed batch means old logs and other implementations no longer read ours.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  BatchCodec,
  crc32c,
  decodeHeader,
  fnv1a32,
  fnv1a64,
  FLAG_LOCAL,
  HEADER_V1_BYTES,
  HEADER_V2_BYTES,
  hex64,
  jumpHash,
  MemoryStorage,
  routingKeyHash,
  segmentName,
  ShardRouter,
  TenantRouter,
  Wal,
  writeHeaderV1,
  type SignalEvent,
} from '../src/engine';
import { CRC32C, FNV1A, JUMP } from './conformance/published';

export const DIR = path.join(__dirname, '..', 'conformance');
export const REGIONS = ['us-east', 'eu-west', 'ap-south'];
export const SIGNALS = ['click', 'view', 'purchase'];

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const hex32 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');
const utf8 = new TextEncoder();

function fnvFile(): object {
  const strings = ['article-42', 'ü-ñ', 'µ', '€', '😀', '日本語', 'acme\u0000article-42'];
  return {
    description:
      'FNV-1a 32 and 64 (offset bases 0x811c9dc5 / 0xcbf29ce484222325, primes 0x01000193 / 0x100000001b3) of byte strings; outputs as lower-case hex. "published" are FNV\'s own vectors; "utf8" are this engine\'s outputs over the UTF-8 bytes of strings.',
    published: FNV1A.map(([input, h32, h64, source]) => ({
      input_hex: input,
      ...(h32 === undefined ? {} : { fnv1a32: h32 }),
      fnv1a64: h64,
      source: source.id,
    })),
    utf8: strings.map((s) => ({
      input: s,
      input_hex: hex(utf8.encode(s)),
      fnv1a32: hex32(fnv1a32(s)),
      fnv1a64: hex64(fnv1a64(s)),
    })),
    sources: sourcesOf(FNV1A.map((v) => v[3])),
  };
}

function jumpFile(): object {
  const keys = [0n, 1n, 0xcbf29ce484222325n, 0xffffffffffffffffn, 0x8000000000000000n];
  return {
    description:
      'Jump consistent hash (Lamping & Veach 2014) of an unsigned 64-bit key into [0, buckets); keys as decimal strings and hex. "published" are outputs of other implementations; "engine" are this engine\'s.',
    published: JUMP.map(([key, buckets, bucket, source]) => ({
      key: key.toString(),
      key_hex: hex64(key),
      buckets,
      bucket,
      source: source.id,
    })),
    engine: keys.flatMap((key) =>
      [1, 2, 7, 8, 16, 1000, 65536].map((buckets) => ({
        key: key.toString(),
        key_hex: hex64(key),
        buckets,
        bucket: jumpHash(key, buckets),
      })),
    ),
    sources: sourcesOf(JUMP.map((v) => v[3])),
  };
}

function crcFile(): object {
  const inputs = [
    new Uint8Array(0),
    utf8.encode('TDWB'),
    utf8.encode('tidalDB'),
    new Uint8Array(1000).map((_, i) => i),
  ];
  return {
    description:
      'CRC-32C (Castagnoli; reflected polynomial 0x82f63b78, initial value and final xor 0xffffffff) of byte strings, as 8 hex digits of the u32 value (stored little-endian in batches and frames).',
    published: CRC32C.map(([input, crc, source]) => ({ input_hex: input, crc32c: crc, source: source.id })),
    engine: inputs.map((b) => ({ input_hex: hex(b), crc32c: hex32(crc32c(b)) })),
    sources: sourcesOf(CRC32C.map((v) => v[2])),
  };
}

function routingFile(): object {
  const tenants: (string | null)[] = [null, 'acme', 'globex', 'ténant-✓'];
  const entities = ['article-42', 'entity-0', 'entity-1', 'user:7', 'ü-ñ', '😀'];
  const counts = [1, 2, 3, 8, 16, 1000, 65536];
  const placements = {
    acme: { homeRegion: 'us-east', shards: [7, 1, 5, 3] },
    globex: { homeRegion: 'eu-west', shards: [2] },
  };
  const tenantRouter = new TenantRouter(new ShardRouter(8), REGIONS, 'us-east', placements);
  return {
    description:
      "Routing: key = UTF-8(entity), or UTF-8(tenant) + 0x00 + UTF-8(entity) for a tenant's entity; hash = FNV-1a 64 of the key; shard = jump consistent hash of the hash over shard_count. A tenant placed on a shard set jumps over that set sorted ascending: shard = sorted_shards[jump(hash, sorted_shards.length)].",
    vectors: tenants.flatMap((tenant) =>
      entities.map((entity) => ({
        tenant,
        entity,
        routing_key_hex: hex(utf8.encode(tenant === null ? entity : `${tenant}\u0000${entity}`)),
        fnv1a64: hex64(routingKeyHash(tenant ?? '', entity)),
        shards: Object.fromEntries(counts.map((n) => [n, new ShardRouter(n).shardFor(entity, tenant ?? '')])),
      })),
    ),
    tenant_shard_sets: Object.entries(placements).flatMap(([tenant, p]) =>
      entities.map((entity) => ({
        tenant,
        shard_count: 8,
        tenant_shards: p.shards,
        entity,
        shard: tenantRouter.shardFor(tenant, entity),
      })),
    ),
  };
}

/** The events the batch and WAL vectors carry: keys, tenants, non-ASCII ids, awkward doubles. */
export function sampleEvents(firstSeqNo: number): SignalEvent[] {
  const base = { origin: 'us-east@2', idempotencyKey: '', tenant: '' };
  return [
    {
      ...base,
      seqNo: firstSeqNo,
      signal: 0,
      entity: 'article-42',
      weight: 1,
      timeMs: 1_700_000_000_000,
      hlc: { wallMs: 1_700_000_000_000, logical: 0, node: 'us-east' },
      originVersion: 1,
    },
    {
      ...base,
      seqNo: firstSeqNo + 1,
      signal: 1,
      tenant: 'acme',
      entity: 'ü-ñ',
      weight: -0.25,
      timeMs: 1_700_000_000_001,
      hlc: { wallMs: 1_700_000_000_001, logical: 3, node: 'us-east' },
      originVersion: 7,
      idempotencyKey: 'order-1',
    },
    {
      ...base,
      seqNo: firstSeqNo + 2,
      signal: 2,
      entity: '😀',
      weight: 0.1,
      timeMs: 1_700_000_000_001,
      hlc: { wallMs: 1_700_000_000_001, logical: 4, node: 'eu-west' },
      originVersion: 2,
    },
  ];
}

function batchEntry(name: string, note: string, bytes: Uint8Array, codec: BatchCodec): object {
  const { header, events } = codec.decode(bytes);
  const crcAt = header.version === 2 ? 60 : 54;
  return {
    name,
    note,
    hex: hex(bytes),
    header,
    header_crc32c: hex32(new DataView(bytes.buffer, bytes.byteOffset).getUint32(crcAt, true)),
    events,
  };
}

/** A v1 batch: a v1 header in front of the payload of a v2 batch. */
export function toV1(v2: Uint8Array): Uint8Array {
  const h = decodeHeader(v2);
  const out = new Uint8Array(HEADER_V1_BYTES + h.payloadLength);
  out.set(v2.subarray(HEADER_V2_BYTES), HEADER_V1_BYTES);
  writeHeaderV1(out, h, h.payloadLength);
  return out;
}

function batchesFile(): object {
  const codec = new BatchCodec(REGIONS, SIGNALS.length);
  const events = sampleEvents(41);
  const v2 = codec.encode(3, 2, 'us-east', 0, 41, events);
  const local = codec.encode(3, 2, 'eu-west', FLAG_LOCAL, 0, [
    { ...events[0]!, seqNo: 0, origin: 'eu-west@2', hlc: { ...events[0]!.hlc, node: 'eu-west' } },
  ]);
  const empty = codec.encode(0, 1, 'ap-south', 0, 1, []);
  const v1 = toV1(v2);
  const flip = (b: Uint8Array, at: number): Uint8Array => {
    const c = b.slice();
    c[at] = c[at]! ^ 0x01;
    return c;
  };
  const withVersion = (b: Uint8Array, version: number): Uint8Array => {
    const c = b.slice();
    new DataView(c.buffer).setUint16(4, version, true);
    new DataView(c.buffer).setUint32(60, crc32c(c, 0, 60), true);
    return c;
  };
  return {
    description:
      'Batches as they travel and as WAL records: hex bytes and their decoded header and events (layout in docs/wire-format.md). Region table and signal table map the indexes on the wire to names.',
    region_table: REGIONS,
    signal_table: SIGNALS,
    batches: [
      batchEntry(
        'v2 replicated',
        'shard 3, epoch 2, sent by us-east, SeqNo 41..43; one keyed event (flag KEYED)',
        v2,
        codec,
      ),
      batchEntry(
        'v2 local',
        'accepted locally by eu-west under accept-local: flag LOCAL, SeqNo 0',
        local,
        codec,
      ),
      batchEntry('v2 empty', 'no events: a heartbeat carrying the sender epoch', empty, codec),
      batchEntry('v1', 'the v2 replicated payload behind a v1 header: no origin (-1), epoch 1', v1, codec),
    ],
    refused: [
      { name: 'bad magic', hex: hex(flip(v2, 0)), error: 'bad magic' },
      { name: 'unknown version 3', hex: hex(withVersion(v2, 3)), error: 'unknown batch version 3' },
      { name: 'header CRC mismatch', hex: hex(flip(v2, 20)), error: 'header CRC-32C mismatch' },
      {
        name: 'payload CRC mismatch',
        hex: hex(flip(v2, HEADER_V2_BYTES + 5)),
        error: 'payload CRC-32C mismatch',
      },
      { name: 'truncated payload', hex: hex(v2.subarray(0, v2.length - 1)), error: 'truncated' },
      { name: 'short buffer', hex: hex(v2.subarray(0, 40)), error: 'short buffer' },
      { name: 'v1 header CRC mismatch', hex: hex(flip(v1, 12)), error: 'header CRC-32C mismatch' },
    ],
  };
}

function walFile(): object {
  const shard = 3;
  const codec = new BatchCodec(REGIONS, SIGNALS.length);
  const storage = new MemoryStorage();
  const wal = new Wal(storage, 'wal', shard, codec);
  wal.recover();
  const events = sampleEvents(1);
  const batches = [
    codec.encode(shard, 1, 'us-east', 0, 1, events.slice(0, 2)),
    codec.encode(shard, 1, 'us-east', 0, 3, events.slice(2)),
    codec.encode(shard, 2, 'eu-west', 0, 4, [{ ...events[2]!, seqNo: 4, weight: 2, origin: 'eu-west@2' }]),
  ];
  for (const b of batches) wal.append(b, codec.decode(b).header);
  const name = segmentName(shard, 1);
  const bytes = storage.read('wal', name);
  let at = 0;
  const records = batches.map((b) => {
    const { header, events: evs } = codec.decode(bytes, at);
    const rec = { offset: at, byte_length: b.length, header, events: evs };
    at += b.length;
    return rec;
  });
  return {
    description:
      'A WAL segment: the concatenation of batch records (docs/wire-format.md), named <shard:5 digits>-<firstSeqNo:20 digits>.wal. The third record, SeqNo 4, was written at epoch 2 by a new leader (eu-west); recovery reads records in order and checks each one extends the log.',
    region_table: REGIONS,
    signal_table: SIGNALS,
    shard,
    segment_name: name,
    hex: hex(bytes),
    records,
  };
}

function sourcesOf(sources: { id: string; cite: string }[]): Record<string, string> {
  return Object.fromEntries(sources.map((s) => [s.id, s.cite]));
}

/** Every conformance file by name. */
export function conformanceFiles(): Record<string, object> {
  return {
    'fnv1a.json': fnvFile(),
    'jump-hash.json': jumpFile(),
    'crc32c.json': crcFile(),
    'routing.json': routingFile(),
    'batches.json': batchesFile(),
    'wal-segment.json': walFile(),
  };
}

if (require.main === module) {
  fs.mkdirSync(DIR, { recursive: true });
  for (const [name, body] of Object.entries(conformanceFiles())) {
    fs.writeFileSync(path.join(DIR, name), `${JSON.stringify(body, null, 2)}\n`);
    console.log(`wrote conformance/${name}`);
  }
}
