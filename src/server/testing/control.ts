/**
 * The harness's side of the control plane: read a shard's record from etcd and fail it over by
 * compare-and-swap on the record's mod revision (the nodes watch the key and follow).
 */
import { Etcd3 } from 'etcd3';
import { shardKey, type ShardRecord } from '../protocol';

export interface RecordAt {
  record: ShardRecord;
  modRevision: string;
}

export async function readRecord(client: Etcd3, clusterId: string, shard: number): Promise<RecordAt> {
  const res = await client.get(shardKey(clusterId, shard)).exec();
  const kv = res.kvs[0];
  if (!kv) throw new Error(`no record for shard ${shard} of ${clusterId} in etcd`);
  return { record: JSON.parse(kv.value.toString('utf8')) as ShardRecord, modRevision: kv.mod_revision };
}

/**
 * Moves `shard` to `leader` in the next term, whose log starts at `startSeqNo` (the new leader's
 * applied SeqNo + 1). Fails (returns undefined) if the record changed since `at` was read.
 */
export async function failover(
  client: Etcd3,
  clusterId: string,
  at: RecordAt,
  leader: string,
  startSeqNo: number,
): Promise<ShardRecord | undefined> {
  const r = at.record;
  const term = r.term + 1;
  const next: ShardRecord = {
    shard: r.shard,
    leader,
    term,
    termStarts: [...r.termStarts, [term, startSeqNo]],
    termLeaders: [...r.termLeaders, [term, leader]],
  };
  const key = shardKey(clusterId, r.shard);
  const res = await client
    .if(key, 'Mod', '==', at.modRevision)
    .then(client.put(key).value(JSON.stringify(next)))
    .commit();
  return res.succeeded ? next : undefined;
}
