/**
 * Checks behind the partition, network-fault and convergence promises: what every region's
 * replica holds for one (entity, signal) against the reference (one replica applying every
 * acknowledged write once), the lag gauge as the control plane reports it, what the leader has
 * heard each follower confirm, and what anti-entropy shipped against the size of the whole state.
 * Each returns plain data or the disagreements it found (empty = agreement).
 */
import {
  checkKey,
  compareHlc,
  decaySum,
  encodeStates,
  formatHlc,
  scoresMatch,
  type Hlc,
  type TidalError,
} from '../../engine';
import type { ClusterView } from './view';
import type { WriteRecord } from './history';

/** One region's view of one (entity, signal). */
export interface RegionSignalState {
  region: string;
  score: number | undefined;
  /** Writes included (increments + retractions). */
  writeCount: number;
  retractions: number;
  /** The last write by HLC: its event time and stamp (undefined when nothing was written). */
  lastWriteMs: number | undefined;
  lastWriteHlc: string | undefined;
}

/** Per region: score, write counts and last write of `tenant`'s `entity` `signal`, at cluster time. */
export function signalStateInEveryRegion(
  cluster: ClusterView,
  entity: string,
  signal: string,
  tenant = '',
): RegionSignalState[] {
  const sig = cluster.schema.signalIndex(signal);
  const shard = cluster.controlPlane.tenantRouter.shardFor(tenant, checkKey(entity, 'entity'));
  return cluster.regions.map((region) => {
    const st = cluster.node(region, shard).db.store.state(tenant, entity, sig);
    return {
      region,
      score: st?.score(cluster.now(), cluster.schema.halfLifeMs(sig)),
      writeCount: st?.writeCount ?? 0,
      retractions: st?.counts.decrements ?? 0,
      lastWriteMs: st?.last.value?.timeMs,
      lastWriteHlc: st?.last.stamp && formatHlc(st.last.stamp),
    };
  });
}

/** What one replica applying every acknowledged write of the history once would hold. */
export function referenceSignalState(
  cluster: ClusterView,
  entity: string,
  signal: string,
  tenant = '',
): Omit<RegionSignalState, 'region'> {
  const writes = acknowledgedWrites(cluster, entity, signal, tenant);
  const halfLifeMs = cluster.schema.halfLifeMs(cluster.schema.signalIndex(signal));
  let last: { hlc: Hlc; timeMs: number } | undefined;
  for (const w of writes) if (!last || compareHlc(w.hlc, last.hlc) > 0) last = w;
  return {
    score: writes.length ? decaySum(writes, cluster.now(), halfLifeMs) : undefined,
    writeCount: writes.length,
    retractions: writes.filter((w) => w.weight < 0).length,
    lastWriteMs: last?.timeMs,
    lastWriteHlc: last && formatHlc(last.hlc),
  };
}

/** Every region against the reference: one line per difference (empty = all agree with it). */
export function referenceDisagreements(
  cluster: ClusterView,
  entity: string,
  signal: string,
  tenant = '',
): string[] {
  const want = referenceSignalState(cluster, entity, signal, tenant);
  const out: string[] = [];
  for (const got of signalStateInEveryRegion(cluster, entity, signal, tenant)) {
    const where = `${got.region}: ${entity} ${signal}`;
    if (got.writeCount !== want.writeCount || got.retractions !== want.retractions)
      out.push(
        `${where} counts ${got.writeCount} writes (${got.retractions} retractions); ${want.writeCount} (${want.retractions}) were acknowledged`,
      );
    const scoreOk =
      got.score === undefined || want.score === undefined
        ? got.score === want.score
        : scoresMatch(got.score, want.score) || Math.abs(got.score - want.score) <= 1e-9;
    if (!scoreOk) out.push(`${where} scores ${got.score}; applying every write once gives ${want.score}`);
    if (got.lastWriteHlc !== want.lastWriteHlc || got.lastWriteMs !== want.lastWriteMs)
      out.push(
        `${where} has last write ${got.lastWriteHlc} at ${got.lastWriteMs} ms; the last acknowledged write is ${want.lastWriteHlc} at ${want.lastWriteMs} ms`,
      );
  }
  return out;
}

function acknowledgedWrites(
  cluster: ClusterView,
  entity: string,
  signal: string,
  tenant: string,
): WriteRecord[] {
  return cluster.history.writes.filter(
    (w) => !w.retry && w.entity === entity && w.signal === signal && w.tenant === tenant,
  );
}

/** The lag gauge's reading for one region: events behind summed over shards, longest time behind. */
export interface LagReading {
  lagEvents: number;
  lagMs: number;
}

export function lagGaugeFor(cluster: ClusterView, region: string): LagReading {
  let lagEvents = 0;
  let lagMs = 0;
  for (let s = 0; s < cluster.shardCount; s++) {
    if (cluster.controlPlane.leaderOf(s) === region) continue;
    lagEvents += cluster.controlPlane.lag.lagFor(region, s);
    lagMs = Math.max(lagMs, cluster.controlPlane.lag.lagMsFor(region, s, cluster.now()));
  }
  return { lagEvents, lagMs };
}

/** Events the shard leaders have heard `region`'s replicas acknowledge, summed over shards. */
export function confirmedBy(cluster: ClusterView, region: string): number {
  let n = 0;
  for (let s = 0; s < cluster.shardCount; s++) {
    const cursor = cluster
      .leader(s)
      .db.shipper?.view()
      .find((c) => c.region === region);
    n += cursor?.acked ?? 0;
  }
  return n;
}

/** What anti-entropy sent, summed over every replica. */
export interface ReconciliationTotals {
  rounds: number;
  messages: number;
  bytes: number;
  states: number;
}

export function reconciliationTotals(cluster: ClusterView): ReconciliationTotals {
  const t: ReconciliationTotals = { rounds: 0, messages: 0, bytes: 0, states: 0 };
  for (const n of cluster.allNodes()) {
    const s = n.db.recon.stats;
    t.rounds += s.rounds;
    t.messages += s.messagesSent;
    t.bytes += s.bytesSent;
    t.states += s.statesSent;
  }
  return t;
}

export function reconciliationSince(
  before: ReconciliationTotals,
  after: ReconciliationTotals,
): ReconciliationTotals {
  return {
    rounds: after.rounds - before.rounds,
    messages: after.messages - before.messages,
    bytes: after.bytes - before.bytes,
    states: after.states - before.states,
  };
}

/**
 * The bytes of every state a region's replicas hold, encoded as reconciliation ships them: what
 * shipping the whole state once, instead of a delta, would cost.
 */
export function fullStateBytes(cluster: ClusterView, region: string): number {
  let bytes = 0;
  for (const n of cluster.nodesIn(region)) bytes += encodeStates([...n.db.store.entries()]).length;
  return bytes;
}

/** Messages `region`'s replicas refused with an error of class `kind` (from `from`, if given). */
export function refusals<E extends TidalError>(
  cluster: ClusterView,
  region: string,
  kind: abstract new (...args: never[]) => E,
  from?: string,
): E[] {
  const out: E[] = [];
  for (const r of cluster.rejections)
    if (
      r.replica.startsWith(`${region}/`) &&
      r.error instanceof kind &&
      (from === undefined || r.from === from)
    )
      out.push(r.error);
  return out;
}

/** When the last partition (two-way, one-way or flapping) healed, in virtual ms. */
export function lastHealMs(cluster: ClusterView): number | undefined {
  let at: number | undefined;
  for (const s of cluster.faultTimeline()) {
    if (s.kind !== 'partition' && s.kind !== 'one-way-partition' && s.kind !== 'flapping') continue;
    if (s.toMs !== null && (at === undefined || s.toMs > at)) at = s.toMs;
  }
  return at;
}
