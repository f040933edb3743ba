/**
 * The nemesis: every fault the simulator can inject, and the timeline of what was injected and
 * healed (virtual time), which reports shade on the lag chart. Fault verbs come in pairs —
 * partition/heal, skew/unskew, set/clear network faults, crash/restart, flap/stop — and all
 * randomness (flapping jitter, torn writes) comes from the nemesis's own seeded stream. Every
 * fault is recorded as a typed `Fault`; its label is made from it for people, never parsed.
 */
import type { TimerHandle } from '../engine';
import type { NodeClock } from './clock';
import type { LinkSelector, NetworkFaults, SimulatedNetwork } from './network';
import type { NetworkPartition } from './partitions';
import { describeFault, type Fault, type FaultSpan } from './report-data';
import type { SeededRng } from './rng';
import type { Scheduler } from './scheduler';

export interface FlapOptions {
  /** How many cut/heal cycles. Default: 10. */
  times?: number;
  /** How long each cut lasts. Default: 200 ms. */
  cutMs?: number;
  /** How long the link is up between cuts. Default: 200 ms. */
  healMs?: number;
  /** Uniform extra length in [0, jitterMs] of every cut and every up period. Default: 0 ms. */
  jitterMs?: number;
}

export interface Flapping {
  readonly done: boolean;
  stop(): void;
}

export class Nemesis {
  readonly timeline: FaultSpan[] = [];
  private readonly partitionSpans = new Map<NetworkPartition, FaultSpan>();
  /** Live network-fault spans by link ("from>to", or "*" for every link). */
  private readonly linkFaultSpans = new Map<string, FaultSpan>();
  private readonly skewSpans = new Map<string, FaultSpan>();
  private readonly crashSpans = new Map<string, FaultSpan>();
  private readonly flaps: { stop(): void }[] = [];
  onFault: ((span: FaultSpan, event: 'inject' | 'heal') => void) | undefined;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly network: SimulatedNetwork,
    private readonly clocks: (region: string) => NodeClock[],
    readonly rng: SeededRng,
  ) {
    network.partitions.onChange = (p, event) => {
      if (event === 'inject') {
        const fault: Fault = p.oneWay
          ? { kind: 'one-way-partition', from: p.from, to: p.to }
          : { kind: 'partition', between: [p.from, p.to] };
        this.partitionSpans.set(p, this.open(fault));
      } else {
        const span = this.partitionSpans.get(p);
        if (span) this.close(span);
        this.partitionSpans.delete(p);
      }
    };
  }

  partition(a: string, b: string): NetworkPartition {
    return this.network.partitions.partition(a, b);
  }

  oneWayPartition(from: string, to: string): NetworkPartition {
    return this.network.partitions.oneWay(from, to);
  }

  /** Heals every partition (flapping links keep flapping). */
  healPartitions(): void {
    this.network.partitions.healAll();
  }

  /** Cuts and heals the link between `a` and `b` on a schedule. */
  flap(a: string, b: string, opts: FlapOptions = {}): Flapping {
    const times = opts.times ?? 10;
    const cutMs = opts.cutMs ?? 200;
    const healMs = opts.healMs ?? 200;
    const jitterMs = opts.jitterMs ?? 0;
    const jitter = (): number => (jitterMs > 0 ? this.rng.next() * jitterMs : 0);
    const span = this.open({ kind: 'flapping', between: [a, b], times });
    let cycle = 0;
    let cut: NetworkPartition | undefined;
    let timer: TimerHandle | undefined;
    let done = false;
    const finish = (): void => {
      done = true;
      timer?.cancel();
      cut?.heal();
      this.close(span);
    };
    const step = (): void => {
      if (cut) {
        cut.heal();
        cut = undefined;
        if (++cycle >= times) return finish();
        timer = this.scheduler.after(healMs + jitter(), step);
      } else {
        cut = this.partition(a, b);
        timer = this.scheduler.after(cutMs + jitter(), step);
      }
    };
    step();
    const handle = {
      stop: finish,
      get done() {
        return done;
      },
    };
    this.flaps.push(handle);
    return handle;
  }

  setNetworkFaults(faults: NetworkFaults, link?: LinkSelector): void {
    const key = link ? `${link.from}>${link.to}` : '*';
    const prev = this.linkFaultSpans.get(key);
    if (prev) this.close(prev);
    this.network.setFaults(faults, link);
    const where = link ? { from: link.from, to: link.to } : undefined;
    this.linkFaultSpans.set(key, this.open({ kind: 'network-faults', link: where, faults: { ...faults } }));
  }

  clearNetworkFaults(link?: LinkSelector): void {
    this.network.clearFaults(link);
    for (const [key, span] of [...this.linkFaultSpans]) {
      if (!link || key === `${link.from}>${link.to}`) {
        this.close(span);
        this.linkFaultSpans.delete(key);
      }
    }
  }

  /**
   * Sets `region`'s clocks to `ms` off true time from now on, drifting `driftMsPerS` further each
   * second. The drift is set first: setting it folds the drift accumulated so far into the
   * offset, which the new skew then replaces, so unskewing a drifting clock really puts it back
   * on time.
   */
  skew(region: string, ms: number, driftMsPerS = 0): void {
    for (const c of this.clocks(region)) {
      c.setDrift(driftMsPerS);
      c.setSkew(ms);
    }
    const prev = this.skewSpans.get(region);
    if (prev) this.close(prev);
    this.skewSpans.delete(region);
    if (ms !== 0 || driftMsPerS !== 0)
      this.skewSpans.set(region, this.open({ kind: 'clock-skew', region, skewMs: ms, driftMsPerS }));
  }

  unskew(region: string): void {
    this.skew(region, 0, 0);
  }

  /** Records a crash (the replicas do the crashing). */
  crashed(replica: string, region: string): void {
    this.crashSpans.set(replica, this.open({ kind: 'crash', replica, region }));
  }

  restarted(replica: string): void {
    const span = this.crashSpans.get(replica);
    if (span) this.close(span);
    this.crashSpans.delete(replica);
  }

  failedOver(shard: number, from: string, to: string, epoch: number): void {
    this.close(this.open({ kind: 'failover', shard, from, to, epoch }));
  }

  /** Heals every partition, flapping link, network fault and clock skew (not crashes). */
  healAll(regions: readonly string[]): void {
    for (const f of this.flaps.splice(0)) f.stop();
    this.healPartitions();
    this.clearNetworkFaults(); // also closes the span of a fault set to nothing at all
    for (const r of regions) if (this.skewSpans.has(r)) this.unskew(r);
  }

  /** Whether any fault other than a crash is live. */
  anyLive(): boolean {
    return this.timeline.some((s) => s.toMs === null && s.kind !== 'crash');
  }

  private open(fault: Fault): FaultSpan {
    const span: FaultSpan = {
      ...fault,
      label: describeFault(fault),
      fromMs: this.scheduler.nowMs(),
      toMs: null,
    };
    this.timeline.push(span);
    this.onFault?.(span, 'inject');
    return span;
  }

  private close(span: FaultSpan): void {
    if (span.toMs !== null) return;
    span.toMs = this.scheduler.nowMs();
    this.onFault?.(span, 'heal');
  }
}
