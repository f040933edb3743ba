/** What the client API's calls are given: the deployment, this region's replicas, its clock, forwarding. */
import { InvalidInputError, type Clock } from '../engine';
import type { Forwarded } from './forward';
import type { DeploymentConfig } from './protocol';
import type { RegionReplicas } from './replicas';

export interface ApiContext {
  config: DeploymentConfig;
  region: string;
  replicas: RegionReplicas;
  clock: Clock;
  startedAtMs: number;
  /** Sends a call to another region's node; `waitMs`: how long that node may wait before answering. */
  forward(
    to: string,
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    waitMs?: number,
  ): Promise<Forwarded>;
  /**
   * Why `peer` looks cut off from this node — its replication link is up but has carried nothing
   * for `CUT_AFTER_MS` (the signature of a cut or a paused process) — or undefined. A link that is
   * down says nothing either way (it may be reconnecting): a call to the peer finds out.
   */
  cutOff(peer: string): string | undefined;
  /** Extra status fields (peers, node-level refusals). */
  extraStatus(): Record<string, unknown>;
}

export function shardOf(c: ApiContext, shard: number): number {
  if (!Number.isInteger(shard) || shard < 0 || shard >= c.config.shardCount)
    throw new InvalidInputError('shard', shard, `this deployment has shards 0..${c.config.shardCount - 1}`);
  return shard;
}

/** `atMs` from the query, default this node's clock. */
export function queryTime(q: URLSearchParams, clock: Clock): number {
  const raw = q.get('atMs');
  if (raw === null || raw === '') return clock.nowMs();
  const v = Number(raw);
  if (!Number.isFinite(v)) throw new InvalidInputError('atMs', raw, 'a number of ms since the epoch');
  return v;
}
