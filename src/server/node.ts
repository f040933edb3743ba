/**
 * One tidal-node: this region's replica of every shard, served over HTTP/JSON, replicated over
 * TCP, led as etcd says. Start order: etcd's records first (the engine needs its terms to open),
 * then the replicas (recovery), the replication port, the etcd watch, and last the client API.
 * Stop order is the reverse, bounded.
 */
import * as http from 'node:http';
import type { Logger } from 'pino';
import { ENGINE_NAME, ENGINE_VERSION, SystemClock, SystemTimers } from '../engine';
import { CUT_AFTER_MS, routes } from './api';
import type { ApiContext } from './context';
import { EtcdControl } from './control';
import { forward, PeerAgents, type ForwardTimings, DEFAULT_FORWARD_TIMINGS } from './forward';
import { errorBody, router } from './http';
import { DEFAULT_TIMINGS, PeerNetwork, type PeerTimings } from './peers';
import { PROTOCOL_VERSION, type DeploymentConfig } from './protocol';
import { RegionReplicas } from './replicas';

export interface NodeOptions {
  peerTimings?: PeerTimings;
  forwardTimings?: ForwardTimings;
}

export class TidalNode {
  private http: http.Server | undefined;
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly config: DeploymentConfig,
    readonly region: string,
    readonly log: Logger,
    readonly control: EtcdControl,
    readonly peers: PeerNetwork,
    readonly replicas: RegionReplicas,
    private readonly agents: PeerAgents,
  ) {}

  static async start(
    config: DeploymentConfig,
    region: string,
    log: Logger,
    opts: NodeOptions = {},
  ): Promise<TidalNode> {
    const clock = new SystemClock();
    const startedAtMs = clock.nowMs();
    const me = config.regions[region]!;
    log.info(
      {
        version: ENGINE_VERSION,
        engine: ENGINE_NAME,
        protocol: PROTOCOL_VERSION,
        cluster: config.clusterId,
        host: me.host,
        httpPort: me.httpPort,
        replicationPort: me.replicationPort,
        dataDir: config.dataDir,
        etcd: config.etcd,
      },
      'tidal-node starting',
    );
    if (config.partitionPolicy === 'accept-local' && config.reconcileEveryMs === 0)
      log.warn(
        'partitionPolicy accept-local with reconcileEveryMs 0: writes accepted locally are merged only on POST /v1/admin/reconcile',
      );
    let replicas: RegionReplicas | undefined;
    const portRefused: Record<string, number> = {};
    const agents = new PeerAgents(me.host);
    const control = new EtcdControl(config, log, (r, source) => replicas?.onRecord(r, source));
    const peers = new PeerNetwork(
      config,
      region,
      log,
      {
        deliver: (shard, from, bytes, handler) => replicas?.deliver(shard, from, bytes, handler),
        refused: (err) => {
          portRefused[err.name] = (portRefused[err.name] ?? 0) + 1;
          replicas?.refusedOnPort(err);
        },
        // A link that dropped may leave pooled HTTP connections no answer will come back on.
        disconnected: (peer) => agents.drop(peer),
        connected: (peer) => {
          // Tell the peer, where it leads, how far this replica got: it resends from there at once.
          for (const db of replicas?.dbs ?? [])
            if (db.controlPlane?.leaderOf(db.shard) === peer) db.announce();
        },
      },
      opts.peerTimings ?? DEFAULT_TIMINGS,
    );
    try {
      const records = await control.load();
      log.info({ records }, 'shard records read from etcd');
      replicas = new RegionReplicas(
        config,
        region,
        records,
        { transport: (s) => peers.transport(s), refresh: (s) => control.refresh(s) },
        clock,
        new SystemTimers(),
        log,
      );
      replicas.open();
      const total = replicas.recovery.reduce(
        (a, r) => ({
          segments: a.segments + r.segments,
          batches: a.batches + r.batches,
          events: a.events + r.events,
          truncatedBytes: a.truncatedBytes + r.truncatedBytes,
        }),
        { segments: 0, batches: 0, events: 0, truncatedBytes: 0 },
      );
      log.info({ recovery: total, shards: config.shardCount }, 'recovery finished');
      await peers.start();
      await control.watch();
      // A record may have changed between the first read and the watch: read them all again.
      for (let s = 0; s < config.shardCount; s++) control.refresh(s);
    } catch (err) {
      replicas?.close();
      await peers.stop().catch(() => undefined);
      await control.close().catch(() => undefined);
      throw err;
    }
    const node = new TidalNode(config, region, log, control, peers, replicas, agents);
    const ftimings = opts.forwardTimings ?? DEFAULT_FORWARD_TIMINGS;
    const ctx: ApiContext = {
      config,
      region,
      replicas,
      clock,
      startedAtMs,
      forward: (to, method, path, body, waitMs) =>
        forward(
          {
            address: config.regions[to]!,
            agent: agents.get(to),
            alive: () => silence(peers, to),
          },
          region,
          method,
          path,
          body,
          ftimings,
          waitMs,
        ),
      cutOff: (peer) => silence(peers, peer),
      extraStatus: () => ({ peers: peers.status(), refused: { ...portRefused } }),
    };
    const server = http.createServer(
      router(routes(ctx), (err) => log.error({ err }, 'request failed with an unexpected error')),
    );
    // Longer than a peer keeps an idle pooled connection, so a node never closes one being reused.
    server.keepAliveTimeout = 10_000;
    server.on('clientError', (err, socket) => {
      log.warn({ err: err.message }, 'malformed HTTP request');
      if (socket.writable) {
        const text = JSON.stringify(
          errorBody(
            Object.assign(new Error(`malformed HTTP request: ${err.message}`), { name: 'InvalidInputError' }),
          ),
        );
        socket.end(
          `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
        );
      } else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(me.httpPort, me.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    node.http = server;
    log.info(
      {
        http: `http://${me.host}:${me.httpPort}`,
        replication: `${me.host}:${me.replicationPort}`,
        shards: replicas.dbs.map((db) => ({
          shard: db.shard,
          role: db.role,
          term: db.epoch,
          appliedSeqNo: db.appliedSeqNo(),
        })),
      },
      'tidal-node started',
    );
    return node;
  }

  /** Stops accepting, closes the replicas, the replication port and the etcd client. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    const server = this.http;
    const closed = server ? new Promise<void>((r) => server.close(() => r())) : Promise.resolve();
    server?.closeIdleConnections();
    const t = setTimeout(() => server?.closeAllConnections(), 300);
    this.replicas.close();
    this.agents.close();
    await this.peers.stop();
    await this.control.close();
    await closed;
    clearTimeout(t);
    this.log.info('tidal-node stopped');
  }
}

/** Why `peer` looks cut off: its link is up but silent past `CUT_AFTER_MS` (see ApiContext.cutOff). */
function silence(peers: PeerNetwork, peer: string): string | undefined {
  if (!peers.linkUp(peer)) return undefined;
  const ms = peers.silentMs(peer);
  return ms > CUT_AFTER_MS ? `nothing heard from ${peer} for ${Math.round(ms)} ms` : undefined;
}
