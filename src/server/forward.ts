/**
 * Forwarding a client call to another region's node (a write to its shard's leader, a session
 * read redirected, a commit asked of the write's leader), over one keep-alive connection pool per
 * peer. The outcome says whether anything can have reached the other node: a connection that never
 * opened sent nothing (safe to accept the write locally under 'accept-local'); a request sent
 * without an answer in time may have been applied (the client retries with its idempotency key).
 */
import * as http from 'node:http';
import { FORWARDED_HEADER } from './http';
import type { RegionAddress } from './protocol';

export type Forwarded =
  | { kind: 'answered'; status: number; body: unknown }
  /** No connection: nothing was sent. */
  | { kind: 'unreachable'; reason: string }
  /** Sent, but no answer in time: it may have been applied. */
  | { kind: 'no-answer'; reason: string };

export interface ForwardTimings {
  /** A new connection must open within this. Default: 250 ms. */
  connectTimeoutMs: number;
  /**
   * The answer must arrive within this of the call's start (plus the call's own wait, for a
   * commit), however alive the other node looks. Default: 2000 ms.
   */
  answerTimeoutMs: number;
  /**
   * How often a call waiting for its answer asks whether the other node still looks alive (its
   * replication link carries bytes); it gives up at the first no. Default: 50 ms.
   */
  aliveEveryMs: number;
}

export const DEFAULT_FORWARD_TIMINGS: ForwardTimings = {
  connectTimeoutMs: 250,
  answerTimeoutMs: 2_000,
  aliveEveryMs: 50,
};

/** Idle pooled connections are closed after this (below the node's keep-alive timeout: no reuse race). */
const IDLE_SOCKET_MS = 4_000;
/** Connections a node keeps open to one peer at most. */
const MAX_SOCKETS_PER_PEER = 32;

/**
 * One keep-alive `http.Agent` per peer region, its connections bound to this node's host (so
 * firewall rules between hosts apply). `drop` destroys a peer's pool when the replication link to
 * it drops: a partition must not leave a socket in the pool that no answer will ever come back on.
 */
export class PeerAgents {
  private readonly agents = new Map<string, http.Agent>();

  constructor(private readonly localAddress: string) {}

  get(peer: string): http.Agent {
    let a = this.agents.get(peer);
    if (!a) {
      a = new http.Agent({
        keepAlive: true,
        maxSockets: MAX_SOCKETS_PER_PEER,
        maxFreeSockets: MAX_SOCKETS_PER_PEER,
        timeout: IDLE_SOCKET_MS,
        localAddress: this.localAddress,
      });
      this.agents.set(peer, a);
    }
    return a;
  }

  /** Destroys `peer`'s pooled connections (calls in flight on them end as no-answer). */
  drop(peer: string): void {
    this.agents.get(peer)?.destroy();
    this.agents.delete(peer);
  }

  close(): void {
    for (const peer of [...this.agents.keys()]) this.drop(peer);
  }
}

/** Where a call goes and how it is bounded. */
export interface ForwardTarget {
  address: RegionAddress;
  agent: http.Agent;
  /** Whether the other node looks alive now; undefined = silent, with why (a cut: stop waiting). */
  alive(): string | undefined;
}

/**
 * Sends `body` to `target` over its pool; `waitMs` is how long the other node may wait before
 * answering. A call in flight ends as no-answer as soon as the other node stops looking alive,
 * so a cut costs about the silence a cut takes to show (300 ms), not the whole bound.
 */
export function forward(
  target: ForwardTarget,
  from: string,
  method: 'GET' | 'POST',
  path: string,
  body: unknown,
  timings: ForwardTimings = DEFAULT_FORWARD_TIMINGS,
  waitMs = 0,
): Promise<Forwarded> {
  const to = target.address;
  const agent = target.agent;
  return new Promise((resolve) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    const where = `${to.host}:${to.httpPort}`;
    const answerMs = timings.answerTimeoutMs + waitMs;
    let connected = false;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = (f: Forwarded): void => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      clearInterval(watch);
      resolve(f);
    };
    const watch = setInterval(() => {
      const silent = target.alive();
      if (silent === undefined) return;
      finish(
        connected
          ? { kind: 'no-answer', reason: `no answer from ${where}, and ${silent}` }
          : { kind: 'unreachable', reason: `no connection to ${where}, and ${silent}` },
      );
      req.destroy();
    }, timings.aliveEveryMs);
    const req = http.request({
      host: to.host,
      port: to.httpPort,
      method,
      path,
      agent,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        [FORWARDED_HEADER]: from,
      },
    });
    timers.push(
      setTimeout(() => {
        if (connected) return;
        finish({
          kind: 'unreachable',
          reason: `no connection to ${where} within ${timings.connectTimeoutMs} ms`,
        });
        req.destroy();
      }, timings.connectTimeoutMs),
      setTimeout(() => {
        finish({ kind: 'no-answer', reason: `no answer from ${where} within ${answerMs} ms` });
        req.destroy();
      }, answerMs),
    );
    req.on('socket', (socket) => {
      if (socket.connecting) socket.once('connect', () => (connected = true));
      else connected = true;
    });
    req.on('error', (err) =>
      finish(
        connected
          ? { kind: 'no-answer', reason: `${where} failed mid-request (${err.message})` }
          : { kind: 'unreachable', reason: `cannot connect to ${where} (${err.message})` },
      ),
    );
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => finish({ kind: 'no-answer', reason: `answer cut off (${err.message})` }));
      res.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw);
        } catch {
          parsed = {
            error: { name: 'TidalError', message: `non-JSON answer from ${to.host}: ${raw.slice(0, 200)}` },
          };
        }
        finish({ kind: 'answered', status: res.statusCode ?? 500, body: parsed });
      });
    });
    req.end(text);
  });
}
