/**
 * Checker: HLC stamps strictly increase on every node, a receive event's stamp follows the stamp
 * it received (causality across a send/receive), and no stamp is behind its node's physical
 * clock when issued (an HLC's wall part is the maximum of every time it has seen, its own clock
 * among them: a stamp behind it orders a new event before older ones of other nodes). Watches
 * every node incarnation as it issues stamps, so the evidence is the first offending stamp.
 */
import { compareHlc, formatHlc, type Clock, type Hlc, type HybridClock } from '../../engine';
import type { Violation } from '../errors';

const MAX_VIOLATIONS = 20;

export class HlcMonitor {
  readonly violations: Violation[] = [];
  private stamps = 0;

  /** Watches one node's clock (a restarted node is a new incarnation with a new clock). */
  watch(name: string, clock: HybridClock, physical?: Clock): void {
    let last: Hlc | undefined;
    clock.observer = (stamp, received) => {
      this.stamps++;
      if (last && compareHlc(stamp, last) <= 0)
        this.report(`${name} issued ${formatHlc(stamp)} after ${formatHlc(last)}: not strictly increasing`);
      if (
        received &&
        (stamp.wallMs < received.wallMs ||
          (stamp.wallMs === received.wallMs && stamp.logical <= received.logical))
      )
        this.report(
          `${name} received ${formatHlc(received)} and stamped the receive ${formatHlc(stamp)}: causality broken`,
        );
      if (physical) {
        const pt = Math.floor(physical.nowMs());
        if (stamp.wallMs < pt)
          this.report(
            `${name} issued ${formatHlc(stamp)} while its physical clock read ${pt} ms: a stamp is never behind its node's clock`,
          );
      }
      last = stamp;
    };
  }

  get observed(): number {
    return this.stamps;
  }

  private report(message: string): void {
    if (this.violations.length < MAX_VIOLATIONS) this.violations.push({ checker: 'hlc', message });
  }
}
