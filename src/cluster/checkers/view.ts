/**
 * What the checkers read of a simulated cluster: its replicas (engines included), the history
 * of what clients were told, the runtime observations and the faults. The cluster implements
 * it; the checkers depend on this and nothing else of it, so no checker imports the cluster.
 */
import type { ControlPlane, Schema } from '../../engine';
import type { SimulatedNode } from '../node';
import type { Rejection } from '../observations';
import type { FaultSpan } from '../report-data';
import type { History } from './history';
import type { FailoverRecord } from './idempotency';
import type { PromiseObserver } from './observer';

export interface ClusterView {
  readonly regions: readonly string[];
  readonly shardCount: number;
  readonly controlPlane: ControlPlane;
  readonly schema: Schema;
  readonly history: History;
  readonly partitionPolicy: 'leader-only' | 'accept-local';
  readonly idempotencyRetentionMs: number;
  readonly observer: PromiseObserver;
  readonly failovers: readonly FailoverRecord[];
  readonly rejections: readonly Rejection[];
  readonly network: { readonly corruptedOn: ReadonlyMap<string, number> };
  allNodes(): SimulatedNode[];
  nodesIn(region: string): SimulatedNode[];
  node(region: string, shard: number): SimulatedNode;
  leader(shard?: number): SimulatedNode;
  now(): number;
  faultTimeline(): FaultSpan[];
}
