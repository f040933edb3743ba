/**
 * Schedules that use every sentence of the simulator's grammar: the one printed as
 * features/simulation/printed-sentences.feature, and the small one that switches a bug on.
 */
import type { Item, Schedule, WriteOp } from '../schedule';

/** A small cluster: two regions, one shard, the defaults. */
export const SMALL_CLUSTER: Schedule['cluster'] = {
  regions: 2,
  shards: 1,
  ackPolicy: 'leader',
  partitionPolicy: 'leader-only',
  maxDriftMs: 1000,
};

/** Every write form: tenant or not, through a region or not, keyed or not. */
function everyWriteForm(atMs: number, keyPrefix: string): WriteOp[] {
  const out: WriteOp[] = [];
  let n = 0;
  for (const tenant of [undefined, 'acme'])
    for (const via of [undefined, 'eu-west'])
      for (const key of [false, true])
        out.push({
          kind: 'write',
          atMs,
          signal: 'click',
          entity: `e-${n}`,
          weight: 1,
          ...(tenant ? { tenant } : {}),
          ...(via ? { via } : {}),
          ...(key ? { idempotencyKey: `${keyPrefix}-${n++}` } : {}),
        });
  return out;
}

/** A schedule that uses every sentence the printer has, and passes. */
export function everySentence(): Schedule {
  const items: Item[] = [
    { kind: 'crash', atMs: 0, durationMs: 10, region: 'us-east', shard: 0, tornWrite: true },
    ...everyWriteForm(1, 'down'), // refused: the leader is down
    { kind: 'session-write', atMs: 2, session: 1, signal: 'view', entity: 'e-1', weight: 2 },
    { kind: 'session-read', atMs: 2, session: 2, signal: 'view', entity: 'e-1' },
    ...everyWriteForm(20, 'up'),
    { kind: 'session-write', atMs: 21, session: 1, signal: 'view', entity: 'e-1', weight: 2 },
    { kind: 'session-read', atMs: 21, session: 3, signal: 'view', entity: 'e-1' },
    { kind: 'session-read', atMs: 22, session: 4, signal: 'view', entity: 'e-1' },
    { kind: 'partition', atMs: 30, durationMs: 10, a: 'us-east', b: 'eu-west' },
    { kind: 'one-way-partition', atMs: 45, durationMs: 10, from: 'eu-west', to: 'us-east' },
    {
      kind: 'network',
      atMs: 60,
      durationMs: 10,
      link: { from: 'us-east', to: 'eu-west' },
      faults: {
        dropRate: 0.1,
        duplicateRate: 0.1,
        reorder: true,
        reorderWindowMs: 20,
        delayMs: 5,
        jitterMs: 5,
        corruptRate: 0.05,
      },
    },
    { kind: 'network', atMs: 75, durationMs: 10, faults: { duplicateRate: 0.3 } },
    { kind: 'skew', atMs: 90, durationMs: 10, region: 'eu-west', skewMs: 300, driftMsPerS: 0 },
    { kind: 'skew', atMs: 90, durationMs: 10, region: 'us-east', skewMs: -200, driftMsPerS: 5 },
    { kind: 'skew', atMs: 110, durationMs: 10, region: 'eu-west', skewMs: -100, driftMsPerS: -5 },
    { kind: 'skew', atMs: 110, durationMs: 10, region: 'us-east', skewMs: 100, driftMsPerS: -5 },
    { kind: 'skew', atMs: 121, durationMs: 5, region: 'eu-west', skewMs: -150, driftMsPerS: 0 },
    { kind: 'skew', atMs: 121, durationMs: 5, region: 'us-east', skewMs: 120, driftMsPerS: 3 },
    { kind: 'crash', atMs: 130, durationMs: 10, region: 'eu-west', shard: 0, tornWrite: false },
    { kind: 'failover', atMs: 150, shard: 0, to: 'eu-west' },
    { kind: 'write', atMs: 151, signal: 'purchase', entity: 'e-9', weight: 5 },
    { kind: 'failover', atMs: 200, shard: 0 },
    { kind: 'bad-request', atMs: 201, problem: 'undeclared-signal', region: 'eu-west' },
    { kind: 'bad-request', atMs: 202, problem: 'long-entity', region: 'us-east' },
    { kind: 'bad-request', atMs: 203, problem: 'unknown-region', region: 'us-east' },
    { kind: 'bad-request', atMs: 204, problem: 'negative-timeout', region: 'eu-west' },
    { kind: 'bad-request', atMs: 205, problem: 'unknown-policy', region: 'eu-west' },
  ];
  return {
    format: 2,
    seed: 4242,
    // Every row the drawn-cluster table has, durable storage (a tagged scenario) and tenants among them.
    cluster: {
      ...SMALL_CLUSTER,
      latencyMs: 2,
      jitterMs: 3,
      idempotencyRetentionMs: 30_000,
      maxBatchEvents: 8,
      windowBatches: 2,
      durable: true,
      tenants: { acme: { homeRegion: 'eu-west', shards: [0] } },
    },
    sessions: [
      { id: 1, region: 'eu-west', policy: 'wait', timeoutMs: 50 },
      { id: 2, region: 'us-east', policy: 'redirect', timeoutMs: 50 },
      { id: 3, region: 'eu-west', policy: 'wait', timeoutMs: 50, tenant: 'acme' },
      { id: 4, region: 'eu-west', policy: 'redirect', timeoutMs: 50, tenant: 'acme' },
    ],
    items,
  };
}

/** A schedule whose bug switch (sessions-forgive-bad-options) its one write never exercises. */
export function withBugSwitch(): Schedule {
  return {
    format: 2,
    seed: 4243,
    cluster: SMALL_CLUSTER,
    sessions: [],
    items: [{ kind: 'write', atMs: 5, signal: 'click', entity: 'e-1', weight: 1 }],
  };
}
