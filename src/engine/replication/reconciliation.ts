/**
 * ReconciliationEngine: anti-entropy between replicas of a shard (DESIGN §3). A round is
 *   1. initiator → peer: per-bucket digests of its CRDT states;
 *   2. peer → initiator: the buckets that differ and its version vectors for them;
 *   3. initiator → peer: its states that are newer, and the keys where the peer is newer (pull);
 *   4. peer → initiator: the pulled states.
 * Only differing buckets are summarised and only newer states travel, so a heal after a short
 * partition ships a delta, not the whole state. Merges are CRDT joins, so rounds may overlap,
 * repeat or be cut off by a partition without harm.
 * Shipped states are messages like any other: the receiver's HLC takes in the newest write stamp
 * they carry before merging (so its next writes follow every write it learned of), and states
 * whose stamp is too far ahead of the local clock are refused (`ClockSkewError`) and left for a
 * later round.
 */
import type { TimerHandle, Timers } from '../clock';
import { CrdtSignalState } from '../crdt/signal-state';
import { decodeStates, encodeStates, type StateItem } from '../crdt/state-codec';
import { ClockSkewError, CorruptBatchError, type TidalError } from '../errors';
import { compareHlc, type Hlc, type HybridClock } from '../hlc';
import type { SignalStore, VersionEntry } from '../store';
import type { Transport } from '../transport';
import { FrameType, type Frame, type FrameCodec, type KeyRef } from './messages';

/** What anti-entropy reads and calls: its collaborators and its replica's store. */
export interface ReconciliationHost {
  readonly shard: number;
  /** The replica's store as it is now (recovery replaces it). */
  readonly store: SignalStore;
  readonly frames: FrameCodec;
  readonly transport: Pick<Transport, 'send'>;
  readonly timers: Timers;
  /** Takes in the newest stamp of shipped states (refusing one too far ahead). */
  readonly hlc: Pick<HybridClock, 'receive'>;
  /**
   * Whether anti-entropy carries `origin`: only origins the log does not replicate (writes
   * accepted locally under accept-local). Log-shipped origins reach every replica through the
   * log, and a failover may truncate them; reconciling them too would resurrect lost writes.
   */
  reconcilable(origin: string): boolean;
  /** Joins reconciled states into the replica and logs them durably. */
  mergeStates(items: StateItem[]): number;
  reject(from: string, error: TidalError): void;
}

export interface ReconciliationStats {
  rounds: number;
  messagesSent: number;
  bytesSent: number;
  statesSent: number;
  statesReceived: number;
  statesAdopted: number;
  /** States frames refused: undecodable, or stamped too far ahead of the local clock. */
  refused: number;
}

export class ReconciliationEngine {
  readonly stats: ReconciliationStats = {
    rounds: 0,
    messagesSent: 0,
    bytesSent: 0,
    statesSent: 0,
    statesReceived: 0,
    statesAdopted: 0,
    refused: 0,
  };
  private round = 0;
  private periodic: TimerHandle | undefined;

  constructor(private readonly host: ReconciliationHost) {}

  /** Starts a round with `peer`. */
  startRound(peer: string): void {
    this.stats.rounds++;
    this.send(peer, {
      type: FrameType.Digest,
      shard: this.host.shard,
      round: ++this.round,
      digests: this.host.store.digestsOf(this.keep),
    });
  }

  /** Runs a round with every peer each `everyMs` until stopped. */
  every(everyMs: number, peers: () => readonly string[]): void {
    this.stop();
    const tick = (): void => {
      for (const p of peers()) this.startRound(p);
      this.periodic = this.host.timers.after(everyMs, tick);
    };
    this.periodic = this.host.timers.after(everyMs, tick);
  }

  stop(): void {
    this.periodic?.cancel();
    this.periodic = undefined;
  }

  onFrame(from: string, f: Frame): void {
    const { store, shard } = this.host;
    switch (f.type) {
      case FrameType.Digest: {
        const mine = store.digestsOf(this.keep);
        const buckets: number[] = [];
        for (let b = 0; b < mine.length; b++) if (mine[b] !== f.digests[b]) buckets.push(b);
        if (buckets.length)
          this.send(from, {
            type: FrameType.Summary,
            shard,
            round: f.round,
            buckets,
            entries: store.versions(buckets, this.keep),
          });
        break;
      }
      case FrameType.Summary: {
        const theirs = new Map<string, VersionEntry>();
        for (const e of f.entries) theirs.set(refKey(e), e);
        const push: StateItem[] = [];
        const seen = new Set<string>();
        for (const mine of store.versions(f.buckets, this.keep)) {
          const k = refKey(mine);
          seen.add(k);
          const other = theirs.get(k);
          if (!other || newer(mine, other)) push.push(this.item(mine));
        }
        const pull: KeyRef[] = [];
        for (const [k, other] of theirs) {
          const mine = store.state(other.tenant, other.entity, other.signal);
          if (
            !seen.has(k) ||
            (mine && newer(other, { ...other, origins: mine.origins.filter((o) => this.keep(o.origin)) }))
          )
            pull.push(other);
        }
        if (push.length || pull.length) this.sendStates(from, f.round, push, pull);
        break;
      }
      case FrameType.States: {
        let items: StateItem[];
        try {
          items = decodeStates(f.states, 0, f.states.length, store.schema.size).map((it) => this.only(it));
        } catch (err) {
          if (!(err instanceof CorruptBatchError)) throw err;
          this.stats.refused++;
          return this.host.reject(from, err);
        }
        const newest = newestStamp(items);
        if (newest) {
          try {
            this.host.hlc.receive(newest);
          } catch (err) {
            if (!(err instanceof ClockSkewError)) throw err;
            this.stats.refused++;
            return this.host.reject(from, err); // nothing merged; a later round retries
          }
        }
        this.stats.statesReceived += items.length;
        this.stats.statesAdopted += this.host.mergeStates(items);
        if (f.pull.length) {
          const back: StateItem[] = [];
          for (const k of f.pull) {
            const st = store.state(k.tenant, k.entity, k.signal);
            if (st) back.push(this.only({ ...k, state: st }));
          }
          if (back.length) this.sendStates(from, f.round, back, []);
        }
        break;
      }
      default:
        break;
    }
  }

  private readonly keep = (origin: string): boolean => this.host.reconcilable(origin);

  private item(e: VersionEntry): StateItem {
    return this.only({
      tenant: e.tenant,
      entity: e.entity,
      signal: e.signal,
      state: this.host.store.state(e.tenant, e.entity, e.signal)!,
    });
  }

  /** The item with only reconcilable origins (and their write counts). */
  private only(it: StateItem): StateItem {
    const st = it.state;
    if (st.origins.every((o) => this.keep(o.origin))) return it;
    const part = new CrdtSignalState();
    part.origins = st.origins.filter((o) => this.keep(o.origin)).map((o) => ({ ...o }));
    for (const e of st.counts.entries) {
      if (!this.keep(e.node)) continue;
      part.counts.increment(e.node, e.p);
      part.counts.decrement(e.node, e.n);
    }
    part.last.merge(st.last);
    return { ...it, state: part };
  }

  private sendStates(to: string, round: number, items: StateItem[], pull: KeyRef[]): void {
    this.stats.statesSent += items.length;
    this.send(to, {
      type: FrameType.States,
      shard: this.host.shard,
      round,
      states: encodeStates(items),
      pull,
    });
  }

  private send(to: string, f: Frame): void {
    const bytes = this.host.frames.encode(f);
    this.stats.messagesSent++;
    this.stats.bytesSent += bytes.length;
    this.host.transport.send(to, bytes);
  }
}

/** The newest last-write stamp among shipped states. */
function newestStamp(items: readonly StateItem[]): Hlc | undefined {
  let newest: Hlc | undefined;
  for (const it of items) {
    const s = it.state.last.stamp;
    if (s && (!newest || compareHlc(s, newest) > 0)) newest = s;
  }
  return newest;
}

function refKey(e: { tenant: string; entity: string; signal: number }): string {
  return `${e.tenant}\u0000${e.entity}\u0000${e.signal}`;
}

/** Whether `a` holds some origin at a higher version than `b`. */
function newer(a: VersionEntry, b: Pick<VersionEntry, 'origins'>): boolean {
  for (const o of a.origins) {
    const other = b.origins.find((x) => x.origin === o.origin);
    if (!other || o.version > other.version) return true;
  }
  return false;
}
