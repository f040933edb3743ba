/**
 * The control plane as the suite sees it: each shard's leadership record in etcd
 * (`shardKey` → `ShardRecord`), read with its mod revision, and a failover as a compare-and-swap
 * of that record on the revision read (so two failovers of one shard can never both win). The
 * harness writes the first term of every shard before any node starts; nodes watch the keys.
 */
import { Etcd3 } from 'etcd3';
import { shardKey, topologyKey, type DeploymentConfig, type ShardRecord } from '../server/protocol';
import { ProtocolError } from './errors';

/** Every etcd call is bounded. */
const ETCD_CALL_TIMEOUT_MS = 3_000;

export interface VersionedRecord {
  record: ShardRecord;
  modRevision: string;
}

export class Leadership {
  private readonly client: Etcd3;

  constructor(
    private readonly deployment: DeploymentConfig,
    endpoint: string,
  ) {
    this.client = new Etcd3({ hosts: endpoint, dialTimeout: ETCD_CALL_TIMEOUT_MS });
  }

  /** Writes the topology and every shard's first term, unless already there. */
  async initialize(): Promise<void> {
    const d = this.deployment;
    const topology = JSON.stringify({ regions: Object.keys(d.regions), shardCount: d.shardCount });
    await this.bounded(
      this.client
        .if(topologyKey(d.clusterId), 'Create', '==', 0)
        .then(this.client.put(topologyKey(d.clusterId)).value(topology))
        .commit(),
      'topology',
    );
    for (let shard = 0; shard < d.shardCount; shard++) {
      const leader = d.leaders[shard]!;
      const rec: ShardRecord = { shard, leader, term: 1, termStarts: [[1, 1]], termLeaders: [[1, leader]] };
      const key = shardKey(d.clusterId, shard);
      await this.bounded(
        this.client
          .if(key, 'Create', '==', 0)
          .then(this.client.put(key).value(JSON.stringify(rec)))
          .commit(),
        `shard ${shard}`,
      );
    }
  }

  /** The shard's record and its mod revision. */
  async read(shard: number): Promise<VersionedRecord> {
    const key = shardKey(this.deployment.clusterId, shard);
    const res = await this.bounded(this.client.get(key).exec(), `read ${key}`);
    const kv = res.kvs[0];
    if (!kv) throw new ProtocolError(`etcd holds no ${key}: the shard's record was never written`);
    return { record: JSON.parse(kv.value.toString()) as ShardRecord, modRevision: String(kv.mod_revision) };
  }

  /** Every shard's record. */
  async readAll(): Promise<ShardRecord[]> {
    const out: ShardRecord[] = [];
    for (let s = 0; s < this.deployment.shardCount; s++) out.push((await this.read(s)).record);
    return out;
  }

  /** Replaces the record if it is still at `modRevision`; false when someone changed it first. */
  async compareAndSwap(shard: number, modRevision: string, next: ShardRecord): Promise<boolean> {
    const key = shardKey(this.deployment.clusterId, shard);
    const res = await this.bounded(
      this.client
        .if(key, 'Mod', '==', modRevision)
        .then(this.client.put(key).value(JSON.stringify(next)))
        .commit(),
      `compare-and-swap ${key}`,
    );
    return res.succeeded;
  }

  /** Removes this deployment's keys (its clusterId prefix). */
  async clear(): Promise<void> {
    await this.bounded(this.client.delete().prefix(`/tidal/${this.deployment.clusterId}/`).exec(), 'clear');
  }

  close(): void {
    this.client.close();
  }

  private bounded<T>(p: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ProtocolError(`etcd did not answer ${what} within ${ETCD_CALL_TIMEOUT_MS} ms`)),
        ETCD_CALL_TIMEOUT_MS,
      );
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
  }
}

/** The record of the next term with `to` leading from SeqNo `startSeqNo`. */
export function nextTerm(rec: ShardRecord, to: string, startSeqNo: number): ShardRecord {
  const term = rec.term + 1;
  return {
    shard: rec.shard,
    leader: to,
    term,
    termStarts: [...rec.termStarts, [term, startSeqNo]],
    termLeaders: [...rec.termLeaders, [term, to]],
  };
}
