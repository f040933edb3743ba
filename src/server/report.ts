/** What a node says of itself: /v1/status (every shard, briefly) and /v1/state (one replica, fully). */
import { ENGINE_NAME, ENGINE_VERSION, InvalidInputError } from '../engine';
import { queryTime, shardOf, type ApiContext } from './context';
import {
  logEventOf,
  PROTOCOL_VERSION,
  type StateEntry,
  type StateResponse,
  type StatusResponse,
} from './protocol';

export function nodeStatus(c: ApiContext): StatusResponse {
  const r = c.replicas;
  return {
    region: c.region,
    pid: process.pid,
    engine: ENGINE_NAME,
    version: ENGINE_VERSION,
    protocol: PROTOCOL_VERSION,
    clockMs: c.clock.nowMs(),
    startedAtMs: c.startedAtMs,
    shards: r.dbs.map((db, shard) => ({
      shard,
      role: db.role,
      term: db.epoch,
      appliedSeqNo: db.appliedSeqNo(),
      // A follower does not count commits (the leader does): it reports 0.
      committedSeqNo: db.role === 'leader' ? db.committedSeqNo : 0,
      lag: r.lag(shard),
      digest: db.digest(),
      recovery: { ...r.recovery[shard]! },
      refused: { ...r.refused[shard]! },
      lastRefused: { ...r.lastRefused[shard]! },
      leader: r.cp.leaderOf(shard),
      dropped: r.dropped[shard]!.length,
    })),
    ...c.extraStatus(),
  };
}

export function replicaState(c: ApiContext, q: URLSearchParams): StateResponse {
  const raw = q.get('shard');
  if (raw === null || raw === '' || !/^\d+$/.test(raw))
    throw new InvalidInputError('shard', raw, 'the query parameter shard is required (an integer)');
  const shard = shardOf(c, Number(raw));
  const atMs = queryTime(q, c.clock);
  const r = c.replicas;
  const db = r.db(shard);
  const names = r.schema.names;
  const entries: StateEntry[] = [];
  for (const item of db.store.entries()) {
    const versions: Record<string, number> = {};
    for (const o of item.state.origins) versions[o.origin] = o.version;
    entries.push({
      tenant: item.tenant,
      entity: item.entity,
      signal: names[item.signal]!,
      writeCount: item.state.writeCount,
      score: item.state.score(atMs, r.schema.halfLifeMs(item.signal)),
      versions,
    });
  }
  return {
    region: c.region,
    shard,
    role: db.role,
    term: db.epoch,
    appliedSeqNo: db.appliedSeqNo(),
    ackPolicy: c.config.ackPolicy,
    entries,
    log: db.wal.eventsFrom(1, db.wal.lastSeq).map((e) => logEventOf(r.schema, e)),
    dropped: r.dropped[shard]!.map((d) => ({ ...d })),
  };
}
