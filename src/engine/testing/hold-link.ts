/**
 * Test support (imported only by *.test.ts): a transport `Link` that holds every message until
 * the test takes, releases or drops it, so a test decides delivery order message by message.
 */
import type { Endpoint, Link } from '../transport';

export interface Held {
  from: Endpoint;
  to: Endpoint;
  bytes: Uint8Array;
  deliver: (b: Uint8Array) => void;
}

export class HoldLink implements Link {
  held: Held[] = [];

  carry(from: Endpoint, to: Endpoint, bytes: Uint8Array, deliver: (b: Uint8Array) => void): void {
    this.held.push({ from, to, bytes, deliver });
  }

  /** Removes and returns the held messages that match (undelivered). */
  take(pred: (h: Held) => boolean): Held[] {
    const out = this.held.filter(pred);
    this.held = this.held.filter((h) => !pred(h));
    return out;
  }

  /** Delivers (and forgets) the held messages that match; returns how many. */
  release(pred: (h: Held) => boolean): number {
    const out = this.take(pred);
    for (const h of out) h.deliver(h.bytes);
    return out.length;
  }

  drop(pred: (h: Held) => boolean): void {
    this.take(pred);
  }
}
