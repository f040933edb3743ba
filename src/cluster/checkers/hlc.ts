/**
 * Checker: HLC stamps strictly increase on every node, and a receive event's stamp follows the
 * stamp it received (causality across a send/receive). Watches every node incarnation as it
 * issues stamps, so the evidence is the first offending pair.
 */
import { compareHlc, formatHlc, type Hlc, type HybridClock } from '../../engine';
import type { Violation } from '../errors';

export class HlcMonitor {
  readonly violations: Violation[] = [];
  private stamps = 0;

  /** Watches one node's clock (a restarted node is a new incarnation with a new clock). */
  watch(name: string, clock: HybridClock): void {
    let last: Hlc | undefined;
    clock.observer = (stamp, received) => {
      this.stamps++;
      if (last && compareHlc(stamp, last) <= 0 && this.violations.length < 20) {
        this.violations.push({
          checker: 'hlc',
          message: `${name} issued ${formatHlc(stamp)} after ${formatHlc(last)}: not strictly increasing`,
        });
      }
      if (
        received &&
        (stamp.wallMs < received.wallMs ||
          (stamp.wallMs === received.wallMs && stamp.logical <= received.logical)) &&
        this.violations.length < 20
      ) {
        this.violations.push({
          checker: 'hlc',
          message: `${name} received ${formatHlc(received)} and stamped the receive ${formatHlc(stamp)}: causality broken`,
        });
      }
      last = stamp;
    };
  }

  get observed(): number {
    return this.stamps;
  }
}
