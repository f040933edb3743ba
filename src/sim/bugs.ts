/**
 * Test-only bug switches: deliberately broken behaviour that proves the checkers can fail. Each
 * wraps a live cluster from the outside — its network link, a replica's idempotency store or
 * write path, a session's read check — and never touches the product's code paths: without a
 * switch nothing here runs. Each switch breaks one promise once a run reaches the right moment,
 * and the simulator must report it, with a shrunk schedule, on some seed within the first 100.
 */
import type { ClusterSession, SimulatedCluster, TenantView } from '../cluster';
import {
  BatchCodec,
  FLAG_KEYED,
  FLAG_LOCAL,
  FLAG_MERGE,
  IdempotencyStore,
  decodeHeader,
  isBatch,
  type TidalDb,
} from '../engine';

export const BUG_NAMES = [
  'follower-skips-event',
  'idempotency-forgets',
  'leader-double-applies',
  'session-ignores-marks',
] as const;
export type BugName = (typeof BUG_NAMES)[number];

export interface BugSwitch {
  name: BugName;
  /** What the broken build does, in the product's words. */
  title: string;
  install(cluster: SimulatedCluster): void;
}

/** Every switch, by name. */
export const BUGS: Record<BugName, BugSwitch> = {
  'follower-skips-event': {
    name: 'follower-skips-event',
    title: 'a follower skips one replicated write',
    install: installFollowerSkip,
  },
  'idempotency-forgets': {
    name: 'idempotency-forgets',
    title: "the leader's idempotency store forgets every other key",
    install: installForgetfulIdempotency,
  },
  'leader-double-applies': {
    name: 'leader-double-applies',
    title: 'a leader applies one write twice',
    install: installDoubleApply,
  },
  'session-ignores-marks': {
    name: 'session-ignores-marks',
    title: "sessions read from replicas behind the session's marks",
    install: installSessionsIgnoreMarks,
  },
};

export function bugSwitch(name: string): BugSwitch {
  const bug = BUGS[name as BugName];
  if (!bug) throw new Error(`no test-only bug switch "${name}"; the switches are ${BUG_NAMES.join(', ')}`);
  return bug;
}

/**
 * The first batch of three or more writes on its way to a follower loses its second write: the
 * link re-encodes the batch without it, with valid checksums, so the follower cannot tell. (A
 * batch's SeqNos are implicit, so the later writes move down one; the follower's next gap answer
 * brings the last one again, and the skipped write never arrives.)
 */
function installFollowerSkip(cluster: SimulatedCluster): void {
  const net = cluster.network;
  const carry = net.carry.bind(net);
  const codec = new BatchCodec(cluster.regions, cluster.schema.size);
  let fired = false;
  net.carry = (from, to, bytes, deliver) => {
    if (!fired && isBatch(bytes)) {
      const h = safeHeader(bytes);
      if (h && h.eventCount >= 3 && (h.flags & (FLAG_LOCAL | FLAG_MERGE)) === 0) {
        fired = true;
        const events = codec.decode(bytes).events.filter((_, i) => i !== 1);
        const sender = codec.regionAt(h.originIndex);
        bytes = codec.encode(h.shard, h.epoch, sender, h.flags & ~FLAG_KEYED, h.firstSeqNo, events);
      }
    }
    carry(from, to, bytes, deliver);
  };
}

function safeHeader(bytes: Uint8Array): ReturnType<typeof decodeHeader> | undefined {
  try {
    return decodeHeader(bytes, 0);
  } catch {
    return undefined;
  }
}

/** Every replica's idempotency store (including the ones rebuilt later) forgets every other key. */
function installForgetfulIdempotency(cluster: SimulatedCluster): void {
  onEveryReplica(cluster, (db) => {
    let store = forgetful(db.idempotency);
    Object.defineProperty(db, 'idempotency', {
      configurable: true,
      get: () => store,
      set: (next: IdempotencyStore) => (store = forgetful(next)),
    });
  });
}

function forgetful(store: IdempotencyStore): IdempotencyStore {
  const check = store.check.bind(store);
  let asked = 0;
  store.check = (tenant, key, fingerprint, nowMs) => {
    const prior = check(tenant, key, fingerprint, nowMs);
    return prior && asked++ % 2 === 0 ? undefined : prior;
  };
  return store;
}

/** The third write a leader accepts is applied (and logged, and shipped) twice. */
function installDoubleApply(cluster: SimulatedCluster): void {
  let accepted = 0;
  onEveryReplica(cluster, (db) => {
    const signal = db.signal.bind(db);
    db.signal = (name, entity, weight, opts = {}) => {
      const ack = signal(name, entity, weight, opts);
      if (!ack.retry && !ack.local && ++accepted === 3)
        signal(name, entity, weight, { ...opts, idempotencyKey: undefined });
      return ack;
    };
  });
}

/** Sessions serve reads wherever they are, whatever the replica has applied. */
function installSessionsIgnoreMarks(cluster: SimulatedCluster): void {
  const blind = (s: ClusterSession): ClusterSession => {
    s.session.canReadAt = () => true;
    return s;
  };
  const session = cluster.session.bind(cluster);
  cluster.session = (region, opts) => blind(session(region, opts));
  const tenant = cluster.tenant.bind(cluster);
  cluster.tenant = (id): TenantView => {
    const view = tenant(id);
    const tenantSession = view.session.bind(view);
    view.session = (region, opts) => blind(tenantSession(region, opts));
    return view;
  };
}

/** Applies `patch` to every replica now and to every replica a restart opens later. */
function onEveryReplica(cluster: SimulatedCluster, patch: (db: TidalDb) => void): void {
  for (const n of cluster.allNodes()) if (n.up) patch(n.db);
  const restart = cluster.restart.bind(cluster);
  cluster.restart = (region, shard) => {
    const report = restart(region, shard);
    patch(cluster.node(region, shard).db);
    return report;
  };
}
