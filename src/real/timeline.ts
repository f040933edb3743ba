/**
 * The fault timeline of a real run: every fault injected and healed, in cluster time, as the
 * same typed `FaultSpan`s the simulator's nemesis records (labels made by `describeFault`).
 */
import { describeFault, type Fault, type FaultSpan } from '../cluster/report-data';

export class FaultTimeline {
  readonly spans: FaultSpan[] = [];

  constructor(private readonly now: () => number) {}

  open(fault: Fault): FaultSpan {
    const span: FaultSpan = { ...fault, label: describeFault(fault), fromMs: this.now(), toMs: null };
    this.spans.push(span);
    return span;
  }

  close(span: FaultSpan | undefined): void {
    if (span && span.toMs === null) span.toMs = this.now();
  }

  /** A fault that starts and ends at once (a failover). */
  instant(fault: Fault): void {
    this.close(this.open(fault));
  }
}
