/**
 * Replication between regions over TCP: one connection per pair of regions, dialled by the
 * region that comes first in the deployment file, carrying every shard's messages as frames
 * (wire.ts). Each side speaks first with a hello naming the cluster and its region; a connection
 * from an address that is not a region's host, from another cluster or from an unknown region is
 * refused and closed. A partition (iptables DROP) can leave a connection silently dead, so both
 * sides send a heartbeat every `heartbeatMs` and drop a connection silent for `silenceMs`; the
 * dialler reconnects with a bounded backoff. A message sent while a peer is unreachable is dropped:
 * the engine's shipper resends from what each follower acknowledged.
 */
import * as net from 'node:net';
import type { Logger } from 'pino';
import type { MessageHandler, Transport } from '../engine';
import { BadFrameError, UnknownPeerError } from './errors';
import type { DeploymentConfig, PeerStatus } from './protocol';
import {
  CONTROL_SHARD,
  decodeControl,
  encodeControl,
  encodeFrame,
  FrameDecoder,
  hello,
  type Frame,
} from './wire';
import { PROTOCOL_VERSION } from './protocol';

export interface PeerTimings {
  /** Heartbeat period. Default: 100 ms (a link silent for 300 ms has missed three). */
  heartbeatMs: number;
  /** A connection silent this long is dropped. Default: 1000 ms. */
  silenceMs: number;
  /** Connect attempt timeout. Default: 500 ms. */
  connectTimeoutMs: number;
  /** Reconnect backoff: first and ceiling. Default: 50 ms, 500 ms. */
  backoffMs: number;
  maxBackoffMs: number;
  /** A queued write beyond this many bytes is dropped (the shipper resends). Default: 8 MiB. */
  maxQueuedBytes: number;
}

export const DEFAULT_TIMINGS: PeerTimings = {
  heartbeatMs: 100,
  silenceMs: 1_000,
  connectTimeoutMs: 500,
  backoffMs: 50,
  maxBackoffMs: 500,
  maxQueuedBytes: 8 * 1024 * 1024,
};

/** What the network hands its owner. */
export interface PeerHooks {
  /** An engine message for `shard` from region `from` (already past the frame checks). */
  deliver(shard: number, from: string, bytes: Uint8Array, handler: MessageHandler): void;
  /** A refusal of a connection or frame, by error name. */
  refused(error: UnknownPeerError | BadFrameError): void;
  /** A connection with `peer` completed its handshake. */
  connected(peer: string): void;
  /** The connection with `peer` dropped (closed, or silent for `silenceMs`). */
  disconnected(peer: string): void;
}

interface Conn {
  socket: net.Socket;
  decoder: FrameDecoder;
  /** The peer's region, once its hello was accepted. */
  peer: string | undefined;
  /** Peer's region expected when we dialled. */
  expected: string | undefined;
  heardAtMs: number;
  timer: NodeJS.Timeout | undefined;
}

export class PeerNetwork {
  private readonly server: net.Server;
  private readonly regions: string[];
  private readonly host: string;
  private readonly ready = new Map<string, Conn>();
  private readonly handlers = new Map<number, MessageHandler>();
  private readonly stats = new Map<string, PeerStatus>();
  private readonly dialTimers = new Map<string, NodeJS.Timeout>();
  private readonly backoff = new Map<string, number>();
  private readonly open = new Set<net.Socket>();
  /** When each peer was last heard on any connection (performance.now(); its start until then). */
  private readonly heardAt = new Map<string, number>();
  private stopped = false;

  constructor(
    private readonly config: DeploymentConfig,
    readonly region: string,
    private readonly log: Logger,
    private readonly hooks: PeerHooks,
    private readonly timings: PeerTimings = DEFAULT_TIMINGS,
  ) {
    this.regions = Object.keys(config.regions);
    this.host = config.regions[region]!.host;
    for (const r of this.regions)
      if (r !== region) {
        this.stats.set(r, { region: r, connected: false, connects: 0, sent: 0, dropped: 0 });
        this.heardAt.set(r, performance.now());
      }
    this.server = net.createServer((s) => this.accept(s));
  }

  /** Listens on this region's replication address and starts dialling the peers it dials. */
  async start(): Promise<void> {
    const port = this.config.regions[this.region]!.replicationPort;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, this.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.server.on('error', (err) => this.log.error({ err }, 'replication listener error'));
    const mine = this.regions.indexOf(this.region);
    for (const r of this.regions) if (this.regions.indexOf(r) > mine) this.dial(r);
  }

  /** The transport of this region's replica of `shard`. */
  transport(shard: number): Transport {
    return {
      region: this.region,
      shard,
      send: (to, bytes) => this.send(to, shard, bytes),
      onMessage: (h) => void this.handlers.set(shard, h),
      close: () => void this.handlers.delete(shard),
    };
  }

  /**
   * How long `peer` has sent this node no bytes on any connection, ms (since this node started,
   * if never). Heartbeats flow every `heartbeatMs` both ways, so a few of those missed means a cut
   * (or a peer that is down); a connection being re-established after a drop does not.
   */
  silentMs(peer: string): number {
    const at = this.heardAt.get(peer);
    return at === undefined ? Infinity : performance.now() - at;
  }

  /** Whether a connection with `peer` is up (handshake done, not yet dropped). */
  linkUp(peer: string): boolean {
    return this.ready.has(peer);
  }

  /** Each peer: connected or not, and what was sent and dropped. */
  status(): PeerStatus[] {
    return [...this.stats.values()].map((s) => ({ ...s, connected: this.ready.has(s.region) }));
  }

  /** Closes the listener and every connection; no reconnects after this. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.dialTimers.values()) clearTimeout(t);
    for (const s of this.open) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private send(to: string, shard: number, bytes: Uint8Array): void {
    const st = this.stats.get(to);
    if (!st) return;
    const c = this.ready.get(to);
    if (!c || c.socket.writableLength > this.timings.maxQueuedBytes) {
      st.dropped++;
      return;
    }
    st.sent++;
    c.socket.write(encodeFrame(shard, bytes));
  }

  // --- connections ----------------------------------------------------------------------

  private dial(peer: string): void {
    if (this.stopped) return;
    const addr = this.config.regions[peer]!;
    const socket = net.connect({ host: addr.host, port: addr.replicationPort, localAddress: this.host });
    const c = this.track(socket, peer);
    const timeout = setTimeout(() => {
      socket.destroy(new Error(`connect timed out after ${this.timings.connectTimeoutMs} ms`));
    }, this.timings.connectTimeoutMs);
    socket.once('connect', () => {
      clearTimeout(timeout);
      socket.write(encodeControl(hello(this.config.clusterId, this.region)));
    });
    socket.once('close', () => {
      clearTimeout(timeout);
      this.closed(c);
      if (this.stopped) return;
      const delay = this.backoff.get(peer) ?? this.timings.backoffMs;
      this.backoff.set(peer, Math.min(delay * 2, this.timings.maxBackoffMs));
      this.dialTimers.set(
        peer,
        setTimeout(() => this.dial(peer), delay),
      );
    });
  }

  private accept(socket: net.Socket): void {
    if (this.stopped) return void socket.destroy();
    const remote = normalise(socket.remoteAddress ?? '');
    const known = this.regions.some((r) => r !== this.region && this.config.regions[r]!.host === remote);
    if (!known) {
      this.refuse(socket, new UnknownPeerError(remote, `${remote} is not the host of any other region`));
      return;
    }
    const c = this.track(socket, undefined);
    socket.once('close', () => this.closed(c));
  }

  private track(socket: net.Socket, expected: string | undefined): Conn {
    const c: Conn = {
      socket,
      decoder: new FrameDecoder(),
      peer: undefined,
      expected,
      heardAtMs: performance.now(),
      timer: undefined,
    };
    this.open.add(socket);
    socket.setNoDelay(true);
    socket.on('error', (err) =>
      this.log.debug({ peer: c.peer ?? expected, err: err.message }, 'replication connection error'),
    );
    socket.on('data', (chunk: Buffer) => this.data(c, chunk));
    // Until the handshake, the watchdog bounds how long an unidentified connection may stay.
    c.timer = setInterval(() => this.tick(c), this.timings.heartbeatMs);
    return c;
  }

  private tick(c: Conn): void {
    if (performance.now() - c.heardAtMs > this.timings.silenceMs) {
      if (c.peer === undefined && c.expected === undefined) {
        this.refuse(
          c.socket,
          new UnknownPeerError(normalise(c.socket.remoteAddress ?? ''), 'no hello in time'),
        );
        return;
      }
      this.log.warn(
        { peer: c.peer ?? c.expected, silentMs: Math.round(performance.now() - c.heardAtMs) },
        'replication connection silent; dropping it',
      );
      c.socket.destroy();
      return;
    }
    if (c.peer !== undefined) c.socket.write(encodeControl({ type: 'heartbeat' }));
  }

  private data(c: Conn, chunk: Buffer): void {
    c.heardAtMs = performance.now();
    if (c.peer !== undefined) this.heardAt.set(c.peer, c.heardAtMs);
    let frames: Frame[];
    try {
      frames = c.decoder.push(chunk);
    } catch (err) {
      this.badFrame(c, (err as Error).message);
      return;
    }
    for (const f of frames) {
      if (c.socket.destroyed) return;
      if (f.shard === CONTROL_SHARD) this.control(c, f.bytes);
      else if (c.peer === undefined) this.refuseOrBad(c, 'an engine frame before the hello');
      else if (f.shard >= this.config.shardCount)
        this.badFrame(
          c,
          `unknown shard ${f.shard} (this deployment has shards 0..${this.config.shardCount - 1})`,
        );
      else {
        const h = this.handlers.get(f.shard);
        if (h) this.hooks.deliver(f.shard, c.peer, f.bytes, h);
      }
    }
  }

  private control(c: Conn, bytes: Uint8Array): void {
    const m = decodeControl(bytes);
    if (typeof m === 'string') return this.refuseOrBad(c, m);
    if (m.type === 'heartbeat') return;
    if (c.peer !== undefined) return this.badFrame(c, 'a second hello');
    const remote = normalise(c.socket.remoteAddress ?? '');
    const why =
      m.cluster !== this.config.clusterId
        ? `cluster ${JSON.stringify(m.cluster)} is not this deployment's (${JSON.stringify(this.config.clusterId)})`
        : m.protocol !== PROTOCOL_VERSION
          ? `protocol ${m.protocol} is not ${PROTOCOL_VERSION}`
          : !(m.region in this.config.regions) || m.region === this.region
            ? `region ${JSON.stringify(m.region)} is not another region of this deployment`
            : c.expected !== undefined && m.region !== c.expected
              ? `dialled ${c.expected} but ${m.region} answered`
              : this.config.regions[m.region]!.host !== remote
                ? `region ${m.region} lives at ${this.config.regions[m.region]!.host}, not ${remote}`
                : undefined;
    if (why) return this.refuse(c.socket, new UnknownPeerError(remote, why));
    c.peer = m.region;
    this.heardAt.set(m.region, c.heardAtMs);
    if (c.expected === undefined) c.socket.write(encodeControl(hello(this.config.clusterId, this.region)));
    const old = this.ready.get(m.region);
    if (old && old !== c) old.socket.destroy();
    this.ready.set(m.region, c);
    this.backoff.delete(m.region);
    this.stats.get(m.region)!.connects++;
    this.log.info({ peer: m.region, remote, local: this.host }, 'replication connection up');
    this.hooks.connected(m.region);
  }

  private closed(c: Conn): void {
    clearInterval(c.timer);
    this.open.delete(c.socket);
    if (c.peer !== undefined && this.ready.get(c.peer) === c) {
      this.ready.delete(c.peer);
      if (!this.stopped) this.log.info({ peer: c.peer }, 'replication connection down');
      this.hooks.disconnected(c.peer);
    }
  }

  private refuseOrBad(c: Conn, reason: string): void {
    if (c.peer === undefined && c.expected === undefined)
      this.refuse(c.socket, new UnknownPeerError(normalise(c.socket.remoteAddress ?? ''), reason));
    else this.badFrame(c, reason);
  }

  private badFrame(c: Conn, reason: string): void {
    const err = new BadFrameError(c.peer ?? c.expected ?? normalise(c.socket.remoteAddress ?? ''), reason);
    this.log.warn({ err: { name: err.name, message: err.message } }, 'frame refused');
    this.hooks.refused(err);
    c.socket.destroy();
  }

  private refuse(socket: net.Socket, err: UnknownPeerError): void {
    this.log.warn({ err: { name: err.name, message: err.message } }, 'connection refused');
    this.hooks.refused(err);
    socket.destroy();
  }
}

/** `::ffff:127.0.0.2` → `127.0.0.2`. */
function normalise(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}
