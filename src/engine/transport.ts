/**
 * Transport between replicas (DESIGN §3). Endpoints are (region, shard): a shard's replicas talk
 * to the same shard in other regions. Links carry bytes only — never objects — so everything a
 * replica learns from another went through an encoder and a validating decoder.
 * `InProcessTransportFactory` connects endpoints in one process; how a message travels (latency,
 * loss, duplication, partitions) is a pluggable `Link`, which the simulator provides. Without
 * one, messages queue until `drain()`.
 */

export type MessageHandler = (from: string, bytes: Uint8Array) => void;

export interface Endpoint {
  region: string;
  shard: number;
}

export interface Transport {
  readonly region: string;
  readonly shard: number;
  /** Sends to the replica of the same shard in region `to`. Fire and forget. */
  send(to: string, bytes: Uint8Array): void;
  onMessage(handler: MessageHandler): void;
  /** Disconnects this endpoint: messages to it are dropped until it connects again. */
  close(): void;
}

/** How bytes travel from one endpoint to another; `deliver` may be called 0..n times, later. */
export interface Link {
  carry(from: Endpoint, to: Endpoint, bytes: Uint8Array, deliver: (bytes: Uint8Array) => void): void;
}

export interface TransportStats {
  sent: number;
  delivered: number;
  dropped: number;
  bytesSent: number;
}

interface Route {
  to: Endpoint;
  deliver: (bytes: Uint8Array) => void;
}

/** Messages wait in a FIFO until the owner drains it (no latency, no faults). */
class QueueLink implements Link {
  readonly queue: (() => void)[] = [];
  carry(_from: Endpoint, _to: Endpoint, bytes: Uint8Array, deliver: (bytes: Uint8Array) => void): void {
    this.queue.push(() => deliver(bytes));
  }
}

export class InProcessTransportFactory {
  private readonly handlers = new Map<string, MessageHandler>();
  private readonly link: Link;
  readonly stats: TransportStats = { sent: 0, delivered: 0, dropped: 0, bytesSent: 0 };

  constructor(link?: Link) {
    this.link = link ?? new QueueLink();
  }

  /** Connects the endpoint (region, shard). */
  connect(region: string, shard = 0): Transport {
    const key = `${region}/${shard}`;
    const self = { region, shard };
    let handler: MessageHandler | undefined;
    // One destination endpoint and delivery callback per peer, made on first use, so sending a
    // message allocates nothing here (every batch and ack of a run passes through).
    const routes = new Map<string, Route>();
    return {
      region,
      shard,
      send: (to: string, bytes: Uint8Array): void => {
        let route = routes.get(to);
        if (route === undefined) routes.set(to, (route = this.route(self, { region: to, shard })));
        this.send(self, route, bytes);
      },
      onMessage: (h: MessageHandler): void => {
        handler = h;
        this.handlers.set(key, h);
      },
      close: (): void => {
        if (this.handlers.get(key) === handler) this.handlers.delete(key);
      },
    };
  }

  /** Delivers every queued message (only for the default queue link). */
  drain(maxMessages = 1_000_000): number {
    if (!(this.link instanceof QueueLink)) return 0;
    let n = 0;
    while (this.link.queue.length && n < maxMessages) {
      this.link.queue.shift()!();
      n++;
    }
    return n;
  }

  private send(from: Endpoint, route: Route, bytes: Uint8Array): void {
    this.stats.sent++;
    this.stats.bytesSent += bytes.length;
    this.link.carry(from, route.to, bytes, route.deliver);
  }

  private route(from: Endpoint, to: Endpoint): Route {
    const key = `${to.region}/${to.shard}`;
    const deliver = (b: Uint8Array): void => {
      const h = this.handlers.get(key);
      if (!h) {
        this.stats.dropped++;
        return;
      }
      this.stats.delivered++;
      h(from.region, b);
    };
    return { to, deliver };
  }
}
