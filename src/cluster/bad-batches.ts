/**
 * Bad input on the wire: batches crafted from the writes a lagging replica needs next, each
 * wrong in one way, and put straight on the link from the shard's leader. Bad-input scenarios
 * use them to show that a replica checks everything before applying anything. The damage is
 * drawn from the cluster's own seeded stream ('bad-input'), so a seed replays it.
 */
import { crc32c, type SignalEvent } from '../engine';
import type { SimulatedCluster } from './cluster';

/** The ways a crafted batch is wrong (the words scenarios use). */
export const BAD_BATCH_KINDS = [
  'one byte flipped',
  'cut short',
  'unknown version 3',
  'a skipped sequence number',
  'addressed to shard 1',
  'an entity id of 300 bytes',
] as const;

export type BadBatchKind = (typeof BAD_BATCH_KINDS)[number];

export interface BadBatch {
  kind: BadBatchKind;
  from: string;
  to: string;
  shard: number;
  sizeBytes: number;
  /** What exactly was done to the batch (which byte, how many bytes kept…). */
  detail: string;
}

/**
 * Crafts a batch of `kind` from the writes `to`'s replica of `shard` is missing, and delivers it
 * as if the shard's leader had sent it. The replica must lag by at least two writes.
 */
export function sendBadBatch(cluster: SimulatedCluster, kind: string, to: string, shard = 0): BadBatch {
  if (!(BAD_BATCH_KINDS as readonly string[]).includes(kind))
    throw new Error(`unknown bad batch ${JSON.stringify(kind)}; use one of: ${BAD_BATCH_KINDS.join(', ')}`);
  const leader = cluster.leader(shard);
  const next = cluster.node(to, shard).db.appliedSeqNo() + 1;
  const pending = leader.db.wal.eventsFrom(next, 3);
  if (pending.length < 2)
    throw new Error(
      `${to}/${shard} lags ${pending.length} writes; a bad batch is crafted from the writes it misses, so cut its link and write at least two first`,
    );
  const rng = cluster.rng.fork(`bad-input/${kind}`);
  const { db } = leader;
  const encode = (first: number, events: SignalEvent[], forShard = shard): Uint8Array =>
    db.codec.encode(forShard, db.epoch, leader.regionId, 0, first, events);
  let bytes: Uint8Array;
  let detail: string;
  switch (kind as BadBatchKind) {
    case 'one byte flipped': {
      bytes = encode(next, pending);
      const at = rng.int(0, bytes.length - 1);
      const bit = rng.int(0, 7);
      bytes[at]! ^= 1 << bit;
      detail = `bit ${bit} of byte ${at} flipped`;
      break;
    }
    case 'cut short': {
      const whole = encode(next, pending);
      bytes = whole.slice(0, rng.int(1, whole.length - 1));
      detail = `${bytes.length} of ${whole.length} bytes`;
      break;
    }
    case 'unknown version 3': {
      bytes = encode(next, pending);
      const v = new DataView(bytes.buffer, bytes.byteOffset);
      v.setUint16(4, 3, true);
      v.setUint32(60, crc32c(bytes, 0, 60), true); // a well-formed header of a version we do not read
      detail = 'version field set to 3, header CRC recomputed';
      break;
    }
    case 'a skipped sequence number':
      bytes = encode(next + 1, pending.slice(1));
      detail = `starts at SeqNo ${next + 1}; the replica needs ${next}`;
      break;
    case 'addressed to shard 1':
      bytes = encode(next, pending, shard === 1 ? 0 : 1);
      detail = `header names shard ${shard === 1 ? 0 : 1}`;
      break;
    case 'an entity id of 300 bytes':
      bytes = encode(next, [{ ...pending[0]!, entity: 'x'.repeat(300) }, ...pending.slice(1)]);
      detail = `SeqNo ${next} names an entity of 300 bytes`;
      break;
  }
  cluster.injectBytes(leader.regionId, to, shard, bytes);
  return { kind: kind as BadBatchKind, from: leader.regionId, to, shard, sizeBytes: bytes.length, detail };
}
