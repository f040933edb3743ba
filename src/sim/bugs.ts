/**
 * Test-only bug switches: deliberately broken behaviour that proves the checkers can fail. Each
 * wraps a live cluster from the outside — its network link, a replica's idempotency store or
 * write path, a session's read check — or replaces the one rule the engine opens as a test-only
 * seam (the commit tracker's majority), and never touches the product's code paths otherwise:
 * without a switch nothing here runs. Each switch breaks one promise once a run reaches the right
 * moment, and the simulator must report it, with a shrunk schedule, on some seed within the first
 * 100.
 */
import type { ClusterSession, SimulatedCluster, TenantView, Violation } from '../cluster';
import {
  BatchCodec,
  FLAG_KEYED,
  FLAG_LOCAL,
  FLAG_MERGE,
  IdempotencyStore,
  InvalidInputError,
  decodeHeader,
  isBatch,
  type TidalDb,
} from '../engine';

export const BUG_NAMES = [
  'follower-skips-event',
  'idempotency-forgets',
  'leader-double-applies',
  'session-ignores-marks',
  'leader-corrupts-batches',
  'hlc-ignores-clock',
  'session-ignores-tenant',
  'quorum-miscounts',
  'follower-accepts-deposed-leader',
  'resend-starts-one-early',
  'idempotency-ignores-tenant',
  'sessions-forgive-bad-options',
] as const;
export type BugName = (typeof BUG_NAMES)[number];

export interface BugSwitch {
  name: BugName;
  /** What the broken build does, in the product's words. */
  title: string;
  /** The checker that must catch it (what shrinking keeps failing). */
  caughtBy: Violation['checker'];
  install(cluster: SimulatedCluster): void;
}

/** Every switch, by name. */
export const BUGS: Record<BugName, BugSwitch> = {
  'follower-skips-event': {
    name: 'follower-skips-event',
    title: 'a follower skips one replicated write',
    caughtBy: 'log',
    install: installFollowerSkip,
  },
  'idempotency-forgets': {
    name: 'idempotency-forgets',
    title: "the leader's idempotency store forgets every other key",
    caughtBy: 'idempotency',
    install: installForgetfulIdempotency,
  },
  'leader-double-applies': {
    name: 'leader-double-applies',
    title: 'a leader applies one write twice',
    caughtBy: 'double-count',
    install: installDoubleApply,
  },
  'session-ignores-marks': {
    name: 'session-ignores-marks',
    title: "sessions read from replicas behind the session's marks",
    caughtBy: 'session',
    install: installSessionsIgnoreMarks,
  },
  'leader-corrupts-batches': {
    name: 'leader-corrupts-batches',
    title: 'a leader sends every 25th batch with a wrong checksum (resends hide it)',
    caughtBy: 'corruption',
    install: installCorruptingLeader,
  },
  'hlc-ignores-clock': {
    name: 'hlc-ignores-clock',
    title: 'every third HLC stamp only counts up, ignoring a physical clock that moved ahead',
    caughtBy: 'hlc',
    install: installLazyHlc,
  },
  'session-ignores-tenant': {
    name: 'session-ignores-tenant',
    title: "a tenant's session looks its entity's shard up as if it had no tenant",
    caughtBy: 'session',
    install: installSessionsIgnoreTenant,
  },
  'quorum-miscounts': {
    name: 'quorum-miscounts',
    title: 'a leader counts half of its replicas, rounded up, as a majority',
    caughtBy: 'quorum',
    install: installQuorumMiscount,
  },
  'follower-accepts-deposed-leader': {
    name: 'follower-accepts-deposed-leader',
    title: "a follower applies a deposed leader's batch instead of refusing its older epoch",
    caughtBy: 'epoch',
    install: installUnfencedFollower,
  },
  'resend-starts-one-early': {
    name: 'resend-starts-one-early',
    title: 'one resent batch names a first SeqNo one lower than its first event',
    caughtBy: 'log',
    install: installShiftedResend,
  },
  'sessions-forgive-bad-options': {
    name: 'sessions-forgive-bad-options',
    title: 'a session opened with a bad option quietly gets the defaults instead of an error',
    caughtBy: 'bad-input',
    install: installForgivingSessions,
  },
  'idempotency-ignores-tenant': {
    name: 'idempotency-ignores-tenant',
    title: 'the idempotency store keys on the key alone, not on (tenant, key)',
    caughtBy: 'idempotency',
    install: installTenantBlindIdempotency,
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
  onEveryIdempotencyStore(cluster, forgetful);
}

/** Applies `wrap` to every replica's idempotency store, and to every store a replica rebuilds later. */
function onEveryIdempotencyStore(
  cluster: SimulatedCluster,
  wrap: (store: IdempotencyStore) => IdempotencyStore,
): void {
  onEveryReplica(cluster, (db) => {
    let store = wrap(db.idempotency);
    Object.defineProperty(db, 'idempotency', {
      configurable: true,
      get: () => store,
      set: (next: IdempotencyStore) => (store = wrap(next)),
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
  onEverySession(cluster, (s) => {
    s.session.canReadAt = () => true;
  });
}

/** Applies `patch` to every session the cluster opens from now on, a tenant's included. */
function onEverySession(cluster: SimulatedCluster, patch: (s: ClusterSession) => void): void {
  const patched = (s: ClusterSession): ClusterSession => {
    patch(s);
    return s;
  };
  const session = cluster.session.bind(cluster);
  cluster.session = (region, opts) => patched(session(region, opts));
  const tenant = cluster.tenant.bind(cluster);
  cluster.tenant = (id): TenantView => {
    const view = tenant(id);
    const tenantSession = view.session.bind(view);
    view.session = (region, opts) => patched(tenantSession(region, opts));
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

/** Every 25th batch a leader sends leaves it with one bit flipped, as a bad encoder would. */
function installCorruptingLeader(cluster: SimulatedCluster): void {
  const net = cluster.network;
  const carry = net.carry.bind(net);
  let batches = 0;
  net.carry = (from, to, bytes, deliver) => {
    if (isBatch(bytes) && bytes.length > 40 && ++batches % 25 === 0) {
      bytes = bytes.slice();
      bytes[bytes.length - 1]! ^= 0x10;
    }
    carry(from, to, bytes, deliver);
  };
}

/** Every third stamp of every replica's HLC only counts up, even when its physical clock moved on. */
function installLazyHlc(cluster: SimulatedCluster): void {
  onEveryReplica(cluster, (db) => {
    const hlc = db.hlc;
    const now = hlc.now.bind(hlc);
    let calls = 0;
    hlc.now = () => {
      if (++calls % 3 !== 0) return now();
      const last = hlc.peek();
      hlc.restore({ wallMs: last.wallMs, logical: last.logical + 1 });
      const stamp = hlc.peek();
      hlc.observer?.(stamp);
      return stamp;
    };
  });
}

/** A tenant's session routes its reads as if the entity had no tenant (a no-op for other sessions). */
function installSessionsIgnoreTenant(cluster: SimulatedCluster): void {
  const router = cluster.controlPlane.tenantRouter;
  onEverySession(cluster, (s) => {
    const read = s.read.bind(s);
    s.read = async (entity, signal) => {
      const shardFor = router.shardFor;
      router.shardFor = (_tenant, e) => shardFor.call(router, '', e);
      try {
        return await read(entity, signal);
      } finally {
        router.shardFor = shardFor;
      }
    };
  });
}

/**
 * The leader's commit rule, with a majority of ⌈n/2⌉ instead of ⌊n/2⌋ + 1 (wrong for even n),
 * through the commit tracker's test-only majority seam.
 */
function installQuorumMiscount(cluster: SimulatedCluster): void {
  onEveryReplica(cluster, (db) => {
    db.commits.majority = (replicas) => Math.ceil(replicas / 2);
  });
}

/** A follower adopts the epoch of whatever batch reaches it, an older one too (no fencing). */
function installUnfencedFollower(cluster: SimulatedCluster): void {
  onEveryReplica(cluster, (db) => {
    const follower = db.follower;
    const onBatch = follower.onBatch.bind(follower);
    follower.onBatch = (from, bytes) => {
      const h = safeHeader(bytes);
      if (h && h.epoch < db.epoch && (h.flags & (FLAG_LOCAL | FLAG_MERGE)) === 0) db.epoch = h.epoch;
      onBatch(from, bytes);
    };
  });
}

/**
 * The first batch of two or more writes that a leader sends again (after a gap or a timeout)
 * names a first SeqNo one lower than its first event's, with valid checksums: an off-by-one in
 * the resend path, which shifts every event it carries down one SeqNo.
 */
function installShiftedResend(cluster: SimulatedCluster): void {
  const net = cluster.network;
  const carry = net.carry.bind(net);
  const codec = new BatchCodec(cluster.regions, cluster.schema.size);
  const seen = new Set<string>();
  let fired = false;
  net.carry = (from, to, bytes, deliver) => {
    const h = !fired && isBatch(bytes) ? safeHeader(bytes) : undefined;
    if (h && h.eventCount >= 2 && h.firstSeqNo > 1 && (h.flags & (FLAG_LOCAL | FLAG_MERGE)) === 0) {
      const key = `${to.region}/${h.shard}/${h.firstSeqNo}`;
      if (seen.has(key)) {
        fired = true;
        const events = codec.decode(bytes).events;
        const sender = codec.regionAt(h.originIndex);
        bytes = codec.encode(h.shard, h.epoch, sender, h.flags, h.firstSeqNo - 1, events);
      }
      seen.add(key);
    }
    carry(from, to, bytes, deliver);
  };
}

/** Every replica's idempotency store answers a key for whichever tenant first used it. */
function installTenantBlindIdempotency(cluster: SimulatedCluster): void {
  onEveryIdempotencyStore(cluster, (store) => {
    const check = store.check.bind(store);
    const record = store.record.bind(store);
    const has = store.has.bind(store);
    store.check = (_tenant, key, fingerprint, nowMs) => check('', key, fingerprint, nowMs);
    store.record = (_tenant, key, fingerprint, ack, firstSeenMs, nowMs) =>
      record('', key, fingerprint, ack, firstSeenMs, nowMs);
    store.has = (_tenant, key, nowMs) => has('', key, nowMs);
    return store;
  });
}

/** Opening a session with a bad option falls back to the defaults instead of refusing. */
function installForgivingSessions(cluster: SimulatedCluster): void {
  const session = cluster.session.bind(cluster);
  cluster.session = (region, opts) => {
    try {
      return session(region, opts);
    } catch (err) {
      if (!(err instanceof InvalidInputError)) throw err;
      return session(region, {});
    }
  };
}
