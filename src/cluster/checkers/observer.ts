/**
 * The promise checker's eyes during a run: it watches every replica incarnation as it works and
 * notes what no end-of-run check could still see. Each rule is checked where it is relied on:
 *
 * - epoch: a replica's epoch never goes backwards, and it never applies a batch of an epoch
 *   older than one it has already reached (fencing, seen from the follower's side);
 * - log: every event a follower applies at a SeqNo is the write that an epoch's leader
 *   acknowledged at that SeqNo, with the same payload, and one that no later epoch up to the
 *   batch's cut away (a follower never applies past what its epoch's leader assigned);
 * - quorum: when a leader counts a SeqNo as committed, a majority of the shard's replicas hold
 *   that very event (the leader among them);
 * - corruption: how many messages each receiving region refused as corrupt, per sender, to be
 *   held against what the network (or a test injecting bytes) corrupted on that link;
 * - hlc: every stamp (see HlcMonitor).
 *
 * It judges replicas by what clients were told (the history), never by what a replica says of
 * itself alone.
 */
import { CorruptBatchError, type ControlPlane, type EngineEvent, type SignalEvent } from '../../engine';
import type { Violation } from '../errors';
import type { SimulatedNode } from '../node';
import { HlcMonitor } from './hlc';
import { hlcKey, type History, type WriteRecord } from './history';

/** What the observer reads of the cluster it watches. */
export interface ObservedCluster {
  readonly regions: readonly string[];
  readonly controlPlane: ControlPlane;
  readonly history: History;
  node(region: string, shard: number): SimulatedNode;
  now(): number;
}

const MAX_VIOLATIONS_PER_CHECKER = 20;

export class PromiseObserver {
  readonly hlc = new HlcMonitor();
  /** What the epoch, log and quorum rules saw broken, in the order it happened. */
  readonly violations: Violation[] = [];
  /** Messages refused as corrupt, per directed link "from>to" (by region). */
  readonly corruptRefused = new Map<string, number>();
  /** Messages a test delivered as raw bytes, per directed link (bad-input scenarios). */
  readonly injected = new Map<string, number>();
  private readonly maxEpoch = new Map<string, number>();
  private readonly perChecker = new Map<Violation['checker'], number>();
  /** Acknowledged, replicated writes by "shard|hlc" (indexed from the history as it grows). */
  private readonly acked = new Map<string, WriteRecord>();
  private indexed = 0;
  private injecting = 0;

  constructor(private readonly cluster: ObservedCluster) {}

  /** A replica incarnation opened (built or restarted): watch its clock, check its epoch. */
  watch(node: SimulatedNode): void {
    this.hlc.watch(node.name, node.db.hlc, node.clock);
    this.checkEpoch(node);
  }

  /** Delivers raw bytes from a test as one message: what it makes a replica do is the test's. */
  inject(from: string, node: SimulatedNode, deliver: () => void): void {
    const link = `${from}>${node.regionId}`;
    this.injected.set(link, (this.injected.get(link) ?? 0) + 1);
    this.injecting++;
    try {
      deliver();
    } finally {
      this.injecting--;
    }
  }

  onEvent(node: SimulatedNode, e: EngineEvent): void {
    switch (e.type) {
      case 'recovered':
        return; // mid-open: the epoch is synced with the control plane right after
      case 'rejected':
        if (e.error instanceof CorruptBatchError && this.injecting === 0) {
          const link = `${e.from}>${node.regionId}`;
          this.corruptRefused.set(link, (this.corruptRefused.get(link) ?? 0) + 1);
        }
        break;
      case 'applied':
        this.checkBatchEpoch(node, e.epoch);
        // Only with a history to judge against: reading `events` decodes the batch again.
        if (this.injecting === 0 && this.cluster.history.enabled)
          for (const ev of e.events) this.checkApplied(node, e.epoch, ev);
        break;
      case 'committed':
        this.checkCommit(node, e.epoch, e.seqNo);
        break;
    }
    this.checkEpoch(node);
  }

  private checkEpoch(node: SimulatedNode): void {
    // While a replica opens, its node still holds the last incarnation (or none): `watch` checks after.
    if (node.db === undefined || node.db.isClosed) return;
    const epoch = node.db.epoch;
    const seen = this.maxEpoch.get(node.name) ?? 0;
    if (epoch < seen)
      this.report(
        'epoch',
        `${node.name} went back from epoch ${seen} to epoch ${epoch}: a replica's epoch never goes backwards`,
      );
    else this.maxEpoch.set(node.name, epoch);
  }

  private checkBatchEpoch(node: SimulatedNode, batchEpoch: number): void {
    const seen = this.maxEpoch.get(node.name) ?? 0;
    if (batchEpoch < seen)
      this.report(
        'epoch',
        `${node.name} applied a batch of epoch ${batchEpoch} after it had reached epoch ${seen}: a deposed leader's batch must be refused`,
      );
  }

  private checkApplied(node: SimulatedNode, batchEpoch: number, ev: SignalEvent): void {
    if (!this.cluster.history.enabled) return;
    const shard = node.shardId;
    const w = this.ackedWrite(shard, ev);
    // Built only for a report: this runs for every event every follower applies.
    const at = (): string =>
      `${node.name} applied SeqNo ${ev.seqNo} (${hlcKey(ev.hlc)}) from a batch of epoch ${batchEpoch}`;
    if (!w) {
      this.report('log', `${at()}, but no leader acknowledged a write with that stamp on shard ${shard}`, ev);
      return;
    }
    const signal = node.db.schema.signalName(ev.signal);
    const samePayload =
      w.tenant === ev.tenant && w.entity === ev.entity && w.signal === signal && w.weight === ev.weight;
    if (w.seqNo !== ev.seqNo || !samePayload) {
      const payload = (x: { tenant: string; entity: string; weight: number }, sig: string): string =>
        `${x.tenant ? `${x.tenant}/` : ''}${x.entity} ${sig} ${x.weight}`;
      const got = payload(ev, signal);
      const want = payload(w, w.signal);
      this.report(
        'log',
        `${at()}: ${got}, but the leader acknowledged that write as SeqNo ${w.seqNo}: ${want} (write #${w.id})`,
        { applied: ev, acknowledged: w },
      );
      return;
    }
    const cp = this.cluster.controlPlane;
    for (let e = w.epoch + 1; e <= batchEpoch; e++) {
      const start = cp.epochStart(shard, e);
      if (start !== undefined && start <= w.seqNo) {
        this.report(
          'log',
          `${at()}: write #${w.id} of epoch ${w.epoch}, which epoch ${e} cut away (it starts at SeqNo ${start}); its leader never assigned it`,
          w,
        );
        return;
      }
    }
    if (w.epoch > batchEpoch)
      this.report('log', `${at()}: write #${w.id} was acknowledged in a later epoch (${w.epoch})`, w);
  }

  private checkCommit(leader: SimulatedNode, epoch: number, seqNo: number): void {
    const replicas = this.cluster.regions.map((r) => this.cluster.node(r, leader.shardId));
    const majority = Math.floor(replicas.length / 2) + 1;
    const [mine] = leader.db.wal.eventsFrom(seqNo, 1);
    const holders: string[] = [];
    for (const n of replicas) {
      if (n === leader) {
        if (leader.db.appliedSeqNo() >= seqNo) holders.push(n.name);
        continue;
      }
      if (!mine || n.db.wal.lastSeq < seqNo) continue;
      const [theirs] = n.db.wal.eventsFrom(seqNo, 1);
      if (theirs && hlcKey(theirs.hlc) === hlcKey(mine.hlc)) holders.push(n.name);
    }
    if (holders.length < majority)
      this.report(
        'quorum',
        `${leader.name} counted shard ${leader.shardId} committed up to SeqNo ${seqNo} in epoch ${epoch}, but only ${holders.length} of its ${replicas.length} replicas hold that write (${holders.join(', ') || 'none'}); a majority is ${majority}`,
      );
  }

  private ackedWrite(shard: number, ev: SignalEvent): WriteRecord | undefined {
    const writes = this.cluster.history.writes;
    for (; this.indexed < writes.length; this.indexed++) {
      const w = writes[this.indexed]!;
      if (!w.retry && !w.local) this.acked.set(`${w.shard}|${hlcKey(w.hlc)}`, w);
    }
    return this.acked.get(`${shard}|${hlcKey(ev.hlc)}`);
  }

  private report(checker: Violation['checker'], message: string, evidence?: unknown): void {
    const n = this.perChecker.get(checker) ?? 0;
    this.perChecker.set(checker, n + 1);
    if (n < MAX_VIOLATIONS_PER_CHECKER)
      this.violations.push(evidence === undefined ? { checker, message } : { checker, message, evidence });
  }
}
