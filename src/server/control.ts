/**
 * The control plane in etcd: each shard's leadership (`ShardRecord` under `shardKey`) and the
 * deployment's topology. On start the node reads every shard's record (creating an absent one
 * from the deployment file's leaders, create-if-absent, term 1), then watches the prefix and
 * hands every newer record to its owner. Failover is a compare-and-swap of a record by whoever
 * runs the deployment (the harness), never by a node. etcd briefly unreachable is logged and
 * retried: the node keeps serving on the leadership it last heard.
 */
import { ExponentialBackoff, noop, type IBackoff } from 'cockatiel';
import { Etcd3, type Watcher } from 'etcd3';
import type { Logger } from 'pino';
import { shardKey, topologyKey, type DeploymentConfig, type ShardRecord } from './protocol';

/** How long the node keeps trying to reach etcd at start before giving up. */
export const ETCD_START_TIMEOUT_MS = 20_000;
const RETRY_MS = 250;

export class EtcdControl {
  private readonly client: Etcd3;
  private watcher: Watcher | undefined;
  private closed = false;
  private readonly refreshing = new Set<number>();

  constructor(
    private readonly config: DeploymentConfig,
    private readonly log: Logger,
    /** A record read or watched; the owner ignores one not newer than what it holds. */
    private readonly onRecord: (r: ShardRecord, source: 'start' | 'watch' | 'refresh') => void,
  ) {
    this.client = new Etcd3({
      hosts: config.etcd,
      dialTimeout: 1_000,
      // Our own bounded retries; the default circuit breaker would stop calls for 5 s after a blip.
      faultHandling: {
        host: () => noop,
        global: noop,
        // etcd3 1.1.2 types this as a backoff but calls it as a factory (`.next()`), which this is.
        watchBackoff: new ExponentialBackoff({
          initialDelay: 100,
          maxDelay: 1_000,
        }) as unknown as IBackoff<unknown>,
      },
    });
  }

  /** Every shard's record (created from the deployment file where absent), retried up to a bound. */
  async load(): Promise<ShardRecord[]> {
    const deadline = performance.now() + ETCD_START_TIMEOUT_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.loadOnce();
      } catch (err) {
        if (err instanceof TopologyMismatchError) throw err;
        if (this.closed || performance.now() > deadline)
          throw new Error(
            `etcd at ${this.config.etcd.join(', ')} did not answer within ${ETCD_START_TIMEOUT_MS} ms (${(err as Error).message}); start etcd or fix "etcd" in the deployment file`,
          );
        this.log.warn({ attempt, err: (err as Error).message }, 'etcd not reachable yet; retrying');
        await sleep(RETRY_MS);
      }
    }
  }

  /** Watches every shard's key; a change goes to `onRecord`. */
  async watch(): Promise<void> {
    const prefix = `/tidal/${this.config.clusterId}/shards/`;
    // create() resolves once the watch stream is up; etcd gone again since load() would hold it forever.
    let timer: NodeJS.Timeout | undefined;
    const w = await Promise.race([
      this.client.watch().prefix(prefix).create(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(new Error(`etcd watch on ${prefix} not established within ${ETCD_START_TIMEOUT_MS} ms`)),
          ETCD_START_TIMEOUT_MS,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    this.watcher = w;
    w.on('put', (kv) => {
      const r = parseRecord(kv.value.toString('utf8'), this.config);
      if (typeof r === 'string')
        this.log.error({ key: kv.key.toString(), reason: r }, 'bad shard record in etcd; ignored');
      else this.onRecord(r, 'watch');
    });
    w.on('disconnected', (err) =>
      this.log.warn({ err: err.message }, 'etcd watch disconnected; reconnecting'),
    );
    w.on('connected', () => {
      // Whatever changed while the stream was down: read every record again.
      if (!this.closed) void this.refreshAll();
    });
    w.on('error', (err) => this.log.warn({ err: err.message }, 'etcd watch error'));
  }

  /** Reads one shard's record again (a peer spoke of a term this node has not heard of). */
  refresh(shard: number): void {
    if (this.closed || this.refreshing.has(shard)) return;
    this.refreshing.add(shard);
    void this.client
      .get(shardKey(this.config.clusterId, shard))
      .string()
      .then((text) => {
        if (text === null) return;
        const r = parseRecord(text, this.config);
        if (typeof r !== 'string') this.onRecord(r, 'refresh');
      })
      .catch((err: Error) => this.log.warn({ shard, err: err.message }, 'etcd read failed'))
      .finally(() => this.refreshing.delete(shard));
  }

  async close(): Promise<void> {
    this.closed = true;
    try {
      await this.watcher?.cancel();
    } catch {
      // etcd may be gone already; the client is closed below either way
    }
    this.client.close();
  }

  private async refreshAll(): Promise<void> {
    for (let s = 0; s < this.config.shardCount; s++) this.refresh(s);
  }

  private async loadOnce(): Promise<ShardRecord[]> {
    const c = this.config;
    const topo = topologyKey(c.clusterId);
    const mine = JSON.stringify({ regions: Object.keys(c.regions), shardCount: c.shardCount });
    const topoRes = await this.client
      .if(topo, 'Create', '==', 0)
      .then(this.client.put(topo).value(mine))
      .else(this.client.get(topo))
      .commit();
    const held = topoRes.succeeded
      ? mine
      : topoRes.responses[0]?.response_range?.kvs[0]?.value.toString('utf8');
    if (held !== mine)
      throw new TopologyMismatchError(
        `etcd holds another topology under cluster id ${JSON.stringify(c.clusterId)} (${held ?? 'none'}, this deployment: ${mine}); use a new clusterId or clear /tidal/${c.clusterId}/`,
      );
    const out: ShardRecord[] = [];
    for (let shard = 0; shard < c.shardCount; shard++) {
      const key = shardKey(c.clusterId, shard);
      const leader = c.leaders[shard]!;
      const initial: ShardRecord = {
        shard,
        leader,
        term: 1,
        termStarts: [[1, 1]],
        termLeaders: [[1, leader]],
      };
      const res = await this.client
        .if(key, 'Create', '==', 0)
        .then(this.client.put(key).value(JSON.stringify(initial)))
        .else(this.client.get(key))
        .commit();
      if (res.succeeded) {
        out.push(initial);
        continue;
      }
      const kv = res.responses[0]?.response_range?.kvs[0];
      const r = kv ? parseRecord(kv.value.toString('utf8'), c) : 'absent after a failed create';
      if (typeof r === 'string')
        throw new Error(`shard ${shard}'s record in etcd (${key}) is unusable: ${r}`);
      out.push(r);
    }
    return out;
  }
}

/** A `ShardRecord` from its JSON, checked against the deployment; a string says what is wrong. */
export function parseRecord(text: string, config: DeploymentConfig): ShardRecord | string {
  let r: unknown;
  try {
    r = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (typeof r !== 'object' || r === null) return 'not an object';
  const x = r as Record<string, unknown>;
  const regions = config.regions;
  const posInt = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 1;
  if (!Number.isInteger(x.shard) || (x.shard as number) < 0 || (x.shard as number) >= config.shardCount)
    return `shard ${String(x.shard)} is not a shard of this deployment`;
  if (typeof x.leader !== 'string' || !(x.leader in regions))
    return `leader ${String(x.leader)} is not a region`;
  if (!posInt(x.term)) return 'term is not a positive integer';
  if (
    !Array.isArray(x.termStarts) ||
    !x.termStarts.every((p) => Array.isArray(p) && posInt(p[0]) && posInt(p[1]))
  )
    return 'termStarts is not [[term, seqNo], …]';
  if (
    !Array.isArray(x.termLeaders) ||
    !x.termLeaders.every(
      (p) => Array.isArray(p) && posInt(p[0]) && typeof p[1] === 'string' && p[1] in regions,
    )
  )
    return 'termLeaders is not [[term, region], …]';
  return {
    shard: x.shard as number,
    leader: x.leader,
    term: x.term as number,
    termStarts: x.termStarts as [number, number][],
    termLeaders: x.termLeaders as [number, string][],
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** etcd already holds a different deployment under this cluster id: the node refuses to start. */
export class TopologyMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TopologyMismatchError';
  }
}
