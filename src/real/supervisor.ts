/**
 * The supervisor: one `NodeProcess` and one `NodeClient` per region. It starts them all and
 * waits (bounded) until each answers /v1/status, crashes a region with SIGKILL, restarts it on
 * the same data dir and sums what its recovery found, and stops everything at the end.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NodeStateError, type RecoveryReport } from '../engine';
import type { StatusResponse } from '../server/protocol';
import type { Deployment } from './deployment';
import { RUN_ID } from './deployment';
import { PrerequisiteError, RealTimeoutError } from './errors';
import { NodeClient } from './node-client';
import { NodeProcess } from './node-process';
import { pollUntil } from './wait';

/** How long a node may take to answer /v1/status after its spawn. Default: 20 s. */
export const READY_TIMEOUT_MS = 20_000;

/** The node executable: TIDAL_NODE_BIN (another implementation), else this checkout's bin/tidal-node. */
export function nodeBinary(): string {
  const bin = process.env.TIDAL_NODE_BIN || path.resolve(__dirname, '../../bin/tidal-node');
  if (!fs.existsSync(bin))
    throw new PrerequisiteError(
      `the node executable ${bin}`,
      'build tidal-node (src/server) or set TIDAL_NODE_BIN',
    );
  return bin;
}

export class Supervisor {
  readonly processes = new Map<string, NodeProcess>();
  readonly clients = new Map<string, NodeClient>();

  constructor(
    readonly deployment: Deployment,
    readonly regions: readonly string[],
    bin = nodeBinary(),
  ) {
    for (const r of regions) {
      const a = deployment.config.regions[r]!;
      this.processes.set(
        r,
        new NodeProcess({
          region: r,
          bin,
          configFile: deployment.configFile,
          logFile: deployment.logFile(r),
          outFile: deployment.outFile(r),
          clock: deployment.clocks.get(r)!,
          env: { TIDAL_RUN_ID: RUN_ID },
        }),
      );
      this.clients.set(r, new NodeClient(r, `http://${a.host}:${a.httpPort}`));
    }
  }

  process(region: string): NodeProcess {
    return this.processes.get(region)!;
  }

  client(region: string): NodeClient {
    return this.clients.get(region)!;
  }

  isUp(region: string): boolean {
    return this.process(region).running;
  }

  /** Starts every node and waits until each answers. */
  async startAll(): Promise<void> {
    for (const p of this.processes.values()) p.start();
    await Promise.all(this.regions.map((r) => this.awaitReady(r)));
  }

  /** Waits until `region`'s node answers /v1/status with every shard (bounded); its status. */
  async awaitReady(region: string, timeoutMs = READY_TIMEOUT_MS): Promise<StatusResponse> {
    const proc = this.process(region);
    return pollUntil(
      async () => {
        if (!proc.running)
          throw new NodeStateError(
            `tidal-node of ${region} exited at start-up (${proc.lastExit() ?? 'no exit status'}); see ${proc.spec.outFile}`,
          );
        const s = await this.client(region).status(500);
        return s.shards.length === this.deployment.config.shardCount ? s : undefined;
      },
      { timeoutMs, everyMs: 50, what: `tidal-node of ${region} answering /v1/status` },
    ).catch((err: unknown) => {
      if (err instanceof RealTimeoutError && !proc.running)
        throw new NodeStateError(
          `tidal-node of ${region} exited (${proc.lastExit()}); see ${proc.spec.outFile}`,
        );
      throw err;
    });
  }

  /** SIGKILL of `region`'s node. */
  async crash(region: string): Promise<void> {
    const p = this.process(region);
    if (!p.running) throw new NodeStateError(`${region}'s node is already down; restart it first`);
    await p.kill();
  }

  /** Spawns `region`'s node again on its data dir; what its recovery found, summed over shards. */
  async restart(region: string): Promise<RecoveryReport> {
    const p = this.process(region);
    if (p.running) throw new NodeStateError(`${region}'s node is running; crash it first`);
    p.start();
    const status = await this.awaitReady(region);
    return sumRecovery(status);
  }

  /** `region`'s status, or undefined when its node is down or does not answer. */
  async status(region: string, timeoutMs = 1_000): Promise<StatusResponse | undefined> {
    if (!this.isUp(region)) return undefined;
    try {
      return await this.client(region).status(timeoutMs);
    } catch {
      return undefined;
    }
  }

  /** Stops every node: SIGTERM, then SIGKILL after a bound. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.stop()));
  }

  killAllNow(): void {
    for (const p of this.processes.values()) p.killNow();
  }
}

export function sumRecovery(status: StatusResponse): RecoveryReport {
  const sum: RecoveryReport = { segments: 0, batches: 0, events: 0, truncatedBytes: 0 };
  for (const s of status.shards) {
    sum.segments += s.recovery.segments;
    sum.batches += s.recovery.batches;
    sum.events += s.recovery.events;
    sum.truncatedBytes += s.recovery.truncatedBytes;
  }
  return sum;
}
