/**
 * Partitions: the set of live cuts between regions, both ways or one way. A cut drops every
 * message sent across it and every message already in flight when it arrives (a firewall rule
 * does the same to a TCP stream's packets). The simulated network owns one table; anything
 * else that carries bytes between regions (the benchmarks' real-time link) can own one too.
 */

/** A live cut; `heal()` restores the link. */
export interface NetworkPartition {
  readonly from: string;
  readonly to: string;
  readonly oneWay: boolean;
  readonly live: boolean;
  heal(): void;
}

export class PartitionTable {
  private readonly cuts: NetworkPartition[] = [];
  /** Observers of partitions injected and healed (the nemesis's fault timeline). */
  onChange: ((p: NetworkPartition, event: 'inject' | 'heal') => void) | undefined;

  /** Cuts traffic between `a` and `b` in both directions. */
  partition(a: string, b: string): NetworkPartition {
    return this.add(a, b, false);
  }

  /** Cuts traffic from `from` to `to` only; `to` can still reach `from`. */
  oneWay(from: string, to: string): NetworkPartition {
    return this.add(from, to, true);
  }

  /** Heals every live cut, oldest first. */
  healAll(): void {
    for (const p of [...this.cuts]) p.heal();
  }

  /** Whether a message from `from` to `to` is dropped now. */
  isCut(from: string, to: string): boolean {
    for (const p of this.cuts) {
      if ((p.from === from && p.to === to) || (!p.oneWay && p.from === to && p.to === from)) return true;
    }
    return false;
  }

  live(): readonly NetworkPartition[] {
    return this.cuts;
  }

  private add(from: string, to: string, oneWay: boolean): NetworkPartition {
    const cuts = this.cuts;
    const heal = (): void => {
      const i = cuts.indexOf(p);
      if (i < 0) return;
      cuts.splice(i, 1);
      this.onChange?.(p, 'heal');
    };
    const p: NetworkPartition = {
      from,
      to,
      oneWay,
      get live() {
        return cuts.includes(p);
      },
      heal,
    };
    cuts.push(p);
    this.onChange?.(p, 'inject');
    return p;
  }
}
