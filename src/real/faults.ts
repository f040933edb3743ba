/**
 * The real nemesis: every fault verb of the `Cluster` interface made real, in pairs —
 * partition / heal and one-way cut / heal (firewall DROP rules between two regions' addresses),
 * set / clear network faults (random loss with iptables' statistic match; nothing else has a
 * firewall equivalent, so duplicates, reordering, delay and corruption are refused), flap /
 * stop (a real timer cutting and healing a link), skew / unskew (the region's libfaketime file,
 * verified against the node's reported clock). Every fault is recorded on the timeline.
 */
import { InvalidInputError } from '../engine';
import type { FlappingHandle, PartitionHandle } from '../cluster';
import type { FlapOptions } from '../cluster/nemesis';
import type { LinkSelector, NetworkFaults } from '../cluster/network';
import type { ClusterLogger } from '../cluster';
import type { FaultSpan } from '../cluster/report-data';
import { NotInRealModeError, RealTimeoutError } from './errors';
import type { ClockFile } from './faketime';
import type { DropRule, Firewall } from './firewall';
import type { RealTime } from './real-time';
import type { Supervisor } from './supervisor';
import type { FaultTimeline } from './timeline';
import { sleep } from './wait';

/** How far a node's reported clock may be from the one asked for (the status call's round trip included). */
const SKEW_TOLERANCE_MS = 250;

interface LivePartition extends PartitionHandle {
  rules: DropRule[];
  span: FaultSpan;
}

export class RealNemesis {
  private readonly partitions: LivePartition[] = [];
  private readonly linkFaults = new Map<string, { rules: DropRule[]; span: FaultSpan }>();
  private readonly skews = new Map<string, { ms: number; span: FaultSpan }>();
  private readonly flaps: { stop(): Promise<void> }[] = [];

  constructor(
    private readonly hosts: ReadonlyMap<string, string>,
    private readonly firewall: Firewall,
    private readonly timeline: FaultTimeline,
    private readonly clocks: ReadonlyMap<string, ClockFile>,
    private readonly time: RealTime,
    private readonly supervisor: Supervisor,
    private readonly log: ClusterLogger,
  ) {}

  private host(region: string): string {
    const h = this.hosts.get(region);
    if (!h)
      throw new InvalidInputError(
        'region',
        region,
        `not a region of this cluster (${[...this.hosts.keys()].join(', ')})`,
      );
    return h;
  }

  /** Cuts `a` ⇹ `b` both ways (two DROP rules), or `from` → `to` only. */
  partition(from: string, to: string, oneWay: boolean): PartitionHandle {
    const rules = [{ from: this.host(from), to: this.host(to), probability: 1 }];
    if (!oneWay) rules.push({ from: this.host(to), to: this.host(from), probability: 1 });
    const label = oneWay ? `cut ${from} → ${to}` : `partition ${from} ⇹ ${to}`;
    for (const r of rules) this.firewall.add(r, label);
    const span = this.timeline.open(
      oneWay ? { kind: 'one-way-partition', from, to } : { kind: 'partition', between: [from, to] },
    );
    const list = this.partitions;
    const heal = (): void => {
      const i = list.indexOf(p);
      if (i < 0) return;
      list.splice(i, 1);
      for (const r of rules) this.firewall.remove(r, `heal ${label}`);
      this.timeline.close(span);
      this.time.moved();
      this.log.info({ from, to, oneWay, rules: this.firewall.listing() }, 'partition healed');
    };
    const p: LivePartition = {
      from,
      to,
      oneWay,
      rules,
      span,
      get live() {
        return list.includes(p);
      },
      heal,
    };
    list.push(p);
    this.time.moved();
    this.log.info({ from, to, oneWay, rules: this.firewall.listing() }, 'partition injected');
    return p;
  }

  healPartitions(): void {
    for (const p of [...this.partitions]) p.heal();
  }

  /** Cuts and heals `a` ⇹ `b` on real timers: `times` cycles of `cutMs` down and `healMs` up. */
  flap(a: string, b: string, opts: FlapOptions = {}): FlappingHandle {
    const times = opts.times ?? 10;
    const cutMs = opts.cutMs ?? 200;
    const healMs = opts.healMs ?? 200;
    const jitterMs = opts.jitterMs ?? 0;
    this.host(a);
    this.host(b);
    const span = this.timeline.open({ kind: 'flapping', between: [a, b], times });
    let done = false;
    let stopping = false;
    let cut: PartitionHandle | undefined;
    const run = async (): Promise<void> => {
      for (let i = 0; i < times && !stopping; i++) {
        cut = this.partition(a, b, false);
        await sleep(cutMs + Math.random() * jitterMs);
        void cut.heal();
        cut = undefined;
        if (i < times - 1 && !stopping) await sleep(healMs + Math.random() * jitterMs);
      }
    };
    const finished = run().finally(() => {
      if (cut) void cut.heal();
      done = true;
      this.timeline.close(span);
    });
    const handle = {
      get done() {
        return done;
      },
      stop: async (): Promise<void> => {
        stopping = true;
        await finished;
      },
    };
    this.flaps.push(handle);
    return handle;
  }

  async stopFlapping(): Promise<void> {
    for (const f of this.flaps.splice(0)) await f.stop();
  }

  /** Random loss on one directed link, or on every link; anything a firewall cannot do is refused. */
  setNetworkFaults(faults: NetworkFaults, link?: LinkSelector): void {
    for (const [k, v] of Object.entries(faults)) {
      if (k === 'dropRate') continue;
      if (v === undefined || v === 0 || v === false) continue;
      throw new NotInRealModeError(
        `the network fault ${k}=${String(v)}`,
        'a firewall can drop packets but not duplicate, reorder, delay or corrupt them (TCP would hide it anyway)',
      );
    }
    const rate = faults.dropRate ?? 0;
    if (typeof rate !== 'number' || rate < 0 || rate > 1)
      throw new RangeError(`dropRate must be a probability from 0 to 1, got ${rate}`);
    const key = link ? `${link.from}>${link.to}` : '*';
    this.clearNetworkFaults(link);
    const pairs = link ? [[link.from, link.to] as const] : this.allLinks();
    const rules: DropRule[] = [];
    if (rate > 0)
      for (const [from, to] of pairs)
        rules.push(
          this.firewall.add(
            { from: this.host(from), to: this.host(to), probability: rate },
            `loss ${from} → ${to} ${rate}`,
          ),
        );
    const span = this.timeline.open({
      kind: 'network-faults',
      link: link ? { from: link.from, to: link.to } : undefined,
      faults: { ...faults },
    });
    this.linkFaults.set(key, { rules, span });
    this.log.info({ link: key, dropRate: rate, rules: this.firewall.listing() }, 'packet loss set');
    this.time.moved();
  }

  clearNetworkFaults(link?: LinkSelector): void {
    for (const [key, f] of [...this.linkFaults]) {
      if (link && key !== `${link.from}>${link.to}`) continue;
      for (const r of f.rules) this.firewall.remove(r, `clear loss ${key}`);
      this.timeline.close(f.span);
      this.linkFaults.delete(key);
    }
  }

  private allLinks(): (readonly [string, string])[] {
    const regions = [...this.hosts.keys()];
    return regions.flatMap((a) => regions.filter((b) => b !== a).map((b) => [a, b] as const));
  }

  /** Sets `region`'s clock `ms` off cluster time; refuses drift. Verifies the node's clock moved. */
  async skew(region: string, ms: number, driftMsPerS = 0): Promise<void> {
    this.host(region);
    if (!Number.isFinite(ms) || !Number.isFinite(driftMsPerS))
      throw new RangeError(`clock skew must be finite, got ${ms} ms and ${driftMsPerS} ms/s`);
    if (driftMsPerS !== 0)
      throw new NotInRealModeError(
        `a clock drifting ${driftMsPerS} ms/s`,
        "libfaketime's rate can only be set when a process starts, and a restart would be a crash the scenario did not ask for",
      );
    const prev = this.skews.get(region);
    this.timeline.close(prev?.span);
    this.skews.delete(region);
    this.writeClock(region, ms);
    if (ms !== 0)
      this.skews.set(region, {
        ms,
        span: this.timeline.open({ kind: 'clock-skew', region, skewMs: ms, driftMsPerS: 0 }),
      });
    this.time.moved();
    await this.verifyClock(region);
  }

  async unskewAll(): Promise<void> {
    for (const region of [...this.skews.keys()]) await this.skew(region, 0);
  }

  skewOf(region: string): number {
    return this.skews.get(region)?.ms ?? 0;
  }

  /** Every clock file follows the logical offset (a long `advance`), each region's skew on top. */
  followOffset(): void {
    for (const region of this.hosts.keys()) this.writeClock(region, this.skewOf(region));
  }

  private writeClock(region: string, skewMs: number): void {
    this.clocks.get(region)!.set(this.time.offsetMs + skewMs);
  }

  /** Reads the node's clock and checks it is where its file says (a node that is down is checked when it restarts). */
  async verifyClock(region: string): Promise<void> {
    if (!this.supervisor.isUp(region)) return;
    const want = this.time.offsetMs + this.skewOf(region);
    let seen = NaN;
    for (let attempt = 0; attempt < 3; attempt++) {
      const before = Date.now();
      const s = await this.supervisor.status(region, 1_000);
      const after = Date.now();
      if (!s) return;
      seen = s.clockMs - (before + after) / 2;
      if (Math.abs(seen - want) <= SKEW_TOLERANCE_MS + (after - before) / 2) {
        this.log.info(
          {
            region,
            skewMs: this.skewOf(region),
            offsetMs: this.time.offsetMs,
            seenMs: Math.round(seen),
            pid: s.pid,
          },
          'node clock verified',
        );
        return;
      }
      await sleep(50);
    }
    throw new RealTimeoutError(
      `${region}'s clock to read ${want} ms off true time`,
      3 * 1_000,
      `it reads ${Math.round(seen)} ms off; is the node running under libfaketime?`,
    );
  }

  /** Heals every partition, flapping link, loss and skew (crashes are the supervisor's). */
  async healAll(): Promise<void> {
    await this.stopFlapping();
    this.healPartitions();
    this.clearNetworkFaults();
    this.firewall.flush('heal everything');
    await this.unskewAll();
  }
}
