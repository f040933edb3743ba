/**
 * The simulated network: a `Link` for the engine's transport that delivers bytes after a
 * latency with jitter, and applies per-link faults drawn from its own seeded stream.
 *
 * Fault model (per directed link, or for all links): a message may be dropped (`dropRate`),
 * delivered twice (`duplicateRate`), delayed (`delayMs` + up to `jitterMs`), reordered
 * (`reorder`: no FIFO guarantee and an extra random delay of up to `reorderWindowMs`), or have
 * one byte flipped (`corruptRate`, to prove receivers validate). Without `reorder` a link is
 * FIFO, like a TCP connection: jitter never makes a later message overtake an earlier one.
 * Faults set on one link are laid over the faults set for all links, field by field (a link
 * with extra delay keeps the global drop rate).
 * Partitions are here too (a `PartitionTable`): a cut drops a message when it is sent and when
 * it arrives, so a partition injected while a batch is on the wire drops that batch.
 */
import type { Endpoint, Link } from '../engine';
import { PartitionTable } from './partitions';
import type { NetworkFaults } from './report-data';
import type { SeededRng } from './rng';
import type { Scheduler } from './scheduler';

export interface NetworkConfig {
  /** One-way latency. Default: 5 ms. */
  latencyMs?: number;
  /** Uniform extra latency in [0, jitterMs]. Default: 0 ms. */
  jitterMs?: number;
}

/** Message faults on a link (declared with the report's plain data, which shows them). */
export type { NetworkFaults };

export interface LinkSelector {
  from: string;
  to: string;
}

export interface NetworkStats {
  carried: number;
  delivered: number;
  lost: number;
  duplicated: number;
  corrupted: number;
  bytes: number;
}

export class SimulatedNetwork implements Link {
  readonly latencyMs: number;
  readonly jitterMs: number;
  private globalFaults: NetworkFaults = {};
  private readonly linkFaults = new Map<string, NetworkFaults>();
  /** FIFO horizon per directed link and shard: from region → to region → shard → last delivery time. */
  private readonly lastDelivery = new Map<string, Map<string, number[]>>();
  readonly stats: NetworkStats = { carried: 0, delivered: 0, lost: 0, duplicated: 0, corrupted: 0, bytes: 0 };
  /** The live cuts between regions. */
  readonly partitions = new PartitionTable();
  /** Messages this network corrupted, per directed link ("from>to" by region). */
  readonly corruptedOn = new Map<string, number>();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly rng: SeededRng,
    config: NetworkConfig = {},
  ) {
    this.latencyMs = config.latencyMs ?? 5;
    this.jitterMs = config.jitterMs ?? 0;
  }

  /** Sets faults on one directed link, or on every link when `link` is omitted. */
  setFaults(faults: NetworkFaults, link?: LinkSelector): void {
    if (link) this.linkFaults.set(`${link.from}>${link.to}`, { ...faults });
    else this.globalFaults = { ...faults };
  }

  /** Removes faults from one link, or every fault everywhere. */
  clearFaults(link?: LinkSelector): void {
    if (link) this.linkFaults.delete(`${link.from}>${link.to}`);
    else {
      this.globalFaults = {};
      this.linkFaults.clear();
    }
  }

  hasFaults(): boolean {
    return this.linkFaults.size > 0 || Object.keys(this.globalFaults).length > 0;
  }

  /** The faults in force on the directed link `from → to`. */
  faultsFor(link: LinkSelector): NetworkFaults {
    return { ...this.faultsOn(`${link.from}>${link.to}`) };
  }

  private faultsOn(key: string): NetworkFaults {
    const own = this.linkFaults.get(key);
    return own ? { ...this.globalFaults, ...own } : this.globalFaults;
  }

  private fifo(from: string, to: string): number[] {
    let byTo = this.lastDelivery.get(from);
    if (byTo === undefined) this.lastDelivery.set(from, (byTo = new Map()));
    let shards = byTo.get(to);
    if (shards === undefined) byTo.set(to, (shards = []));
    return shards;
  }

  /** Whether a message from `from` to `to` is dropped now by a partition. */
  isCut(from: string, to: string): boolean {
    return this.partitions.isCut(from, to);
  }

  carry(from: Endpoint, to: Endpoint, bytes: Uint8Array, deliver: (bytes: Uint8Array) => void): void {
    if (this.partitions.isCut(from.region, to.region)) return;
    this.stats.carried++;
    this.stats.bytes += bytes.length;
    // No per-link faults (the usual case): no key string to build for every message.
    const f = this.linkFaults.size === 0 ? this.globalFaults : this.faultsOn(`${from.region}>${to.region}`);
    if (f.dropRate && this.rng.chance(f.dropRate)) {
      this.stats.lost++;
      return;
    }
    const copies = f.duplicateRate && this.rng.chance(f.duplicateRate) ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    for (let i = 0; i < copies; i++) {
      let delay =
        this.latencyMs +
        (this.jitterMs ? this.rng.next() * this.jitterMs : 0) +
        (f.delayMs ?? 0) +
        (f.jitterMs ? this.rng.next() * f.jitterMs : 0);
      let at = this.scheduler.nowMs() + delay;
      if (f.reorder) {
        delay += this.rng.next() * (f.reorderWindowMs ?? 20);
        at = this.scheduler.nowMs() + delay;
      } else {
        const fifo = this.fifo(from.region, to.region);
        at = Math.max(at, fifo[from.shard] ?? 0);
        fifo[from.shard] = at;
      }
      let payload = bytes;
      if (f.corruptRate && this.rng.chance(f.corruptRate) && bytes.length) {
        payload = bytes.slice();
        payload[this.rng.int(0, bytes.length - 1)]! ^= 1 << this.rng.int(0, 7);
        this.stats.corrupted++;
        const link = `${from.region}>${to.region}`;
        this.corruptedOn.set(link, (this.corruptedOn.get(link) ?? 0) + 1);
      }
      this.scheduler.at(at, () => {
        this.stats.delivered++;
        if (!this.partitions.isCut(from.region, to.region)) deliver(payload);
      });
    }
  }
}
