/**
 * tidal-node processes for tests and harnesses: a deployment file in a temp dir, a node spawned
 * per region (`bin/tidal-node`, its log in the temp dir), readiness waited for (bounded), and
 * stop (SIGTERM, then SIGKILL past a bound), kill (SIGKILL) and restart on the same data dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DeploymentConfig, StatusResponse } from '../protocol';
import { trackChild, trackDir, untrackDir } from './leftovers';
import { freePort, httpJson } from './net';
import { waitUntil } from './wait';

export const NODE_BIN = path.join(__dirname, '..', '..', '..', 'bin', 'tidal-node');

export interface DeploymentOptions {
  /** Region → host (127.0.0.2, …), in region order. */
  hosts: Record<string, string>;
  etcd: string;
  shardCount?: number;
  leaders?: string[];
  ackPolicy?: DeploymentConfig['ackPolicy'];
  partitionPolicy?: DeploymentConfig['partitionPolicy'];
  /** Default: 0 (off). */
  reconcileEveryMs?: number;
  schema?: DeploymentConfig['schema'];
  clusterId?: string;
  wal?: DeploymentConfig['wal'];
  shipper?: DeploymentConfig['shipper'];
}

export interface Deployment {
  config: DeploymentConfig;
  file: string;
  /** Temp dir holding the file, the data dirs and the logs; `remove()` deletes it. */
  dir: string;
  remove(): void;
}

/** Writes a deployment file with free ports on each region's host. */
export async function makeDeployment(o: DeploymentOptions): Promise<Deployment> {
  const dir = trackDir(fs.mkdtempSync(path.join(os.tmpdir(), 'tidal-node-')));
  const regions: DeploymentConfig['regions'] = {};
  for (const [region, host] of Object.entries(o.hosts))
    regions[region] = { host, httpPort: await freePort(host), replicationPort: await freePort(host) };
  const names = Object.keys(o.hosts);
  const shardCount = o.shardCount ?? 2;
  const config: DeploymentConfig = {
    clusterId: o.clusterId ?? `test-${process.pid}-${Math.floor(performance.now())}`,
    regions,
    shardCount,
    leaders: o.leaders ?? Array.from({ length: shardCount }, () => names[0]!),
    schema: o.schema ?? { signals: { click: { halfLifeMs: 3_600_000 }, view: { halfLifeMs: 60_000 } } },
    ackPolicy: o.ackPolicy ?? 'leader',
    partitionPolicy: o.partitionPolicy ?? 'leader-only',
    idempotencyRetentionMs: 600_000,
    reconcileEveryMs: o.reconcileEveryMs ?? 0,
    maxDriftMs: 1_000,
    tenants: {},
    etcd: [o.etcd],
    dataDir: path.join(dir, 'data'),
    ...(o.wal ? { wal: o.wal } : {}),
    ...(o.shipper ? { shipper: o.shipper } : {}),
  };
  const file = path.join(dir, 'deployment.json');
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  const remove = (): void => {
    fs.rmSync(dir, { recursive: true, force: true });
    untrackDir(dir);
  };
  return { config, file, dir, remove };
}

export class NodeProcess {
  child: ChildProcess;
  private exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private hasExited = false;

  constructor(
    readonly deployment: Deployment,
    readonly region: string,
  ) {
    this.child = this.spawn();
    this.exit = this.watchExit();
  }

  get host(): string {
    return this.deployment.config.regions[this.region]!.host;
  }
  get httpPort(): number {
    return this.deployment.config.regions[this.region]!.httpPort;
  }
  get replicationPort(): number {
    return this.deployment.config.regions[this.region]!.replicationPort;
  }
  get logFile(): string {
    return path.join(this.deployment.dir, `${this.region}.log`);
  }
  get pid(): number {
    return this.child.pid!;
  }
  get running(): boolean {
    return !this.hasExited;
  }

  /** Waits (bounded) until the node answers /v1/status. */
  async ready(timeoutMs = 15_000): Promise<StatusResponse> {
    return waitUntil(
      `${this.region} (pid ${this.pid}) to answer /v1/status`,
      async () => {
        if (this.hasExited) throw new Error(`${this.region} exited; log tail: ${this.logTail()}`);
        const r = await this.call<StatusResponse>('GET', '/v1/status', undefined, 1_000);
        return r.status === 200 ? r.body : undefined;
      },
      { timeoutMs, intervalMs: 50 },
    );
  }

  call<T = unknown>(
    method: string,
    p: string,
    body?: unknown,
    timeoutMs = 5_000,
  ): ReturnType<typeof httpJson<T>> {
    return httpJson<T>(this.host, this.httpPort, method, p, body, { timeoutMs });
  }

  async status(): Promise<StatusResponse> {
    const r = await this.call<StatusResponse>('GET', '/v1/status');
    if (r.status !== 200) throw new Error(`status of ${this.region}: ${r.status} ${r.text}`);
    return r.body;
  }

  /** SIGKILL, waited for. */
  async kill(): Promise<void> {
    if (this.hasExited) return;
    this.child.kill('SIGKILL');
    await this.exit;
  }

  /** SIGTERM; SIGKILL after `boundMs`. Returns the exit code (null when killed). */
  async stop(boundMs = 3_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.hasExited) return this.exit;
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), boundMs);
    const r = await this.exit;
    clearTimeout(t);
    return r;
  }

  /** Waits (bounded) for the process to exit by itself; SIGKILL past the bound. */
  async exited(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const t = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const r = await this.exit;
    clearTimeout(t);
    return r;
  }

  /** Starts the region's node again on the same data dir (after kill or stop). */
  restart(): void {
    if (!this.hasExited) throw new Error(`${this.region} is running; kill or stop it first`);
    this.child = this.spawn();
    this.exit = this.watchExit();
  }

  logTail(chars = 2_000): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8').slice(-chars);
    } catch {
      return '(no log)';
    }
  }

  private spawn(): ChildProcess {
    this.hasExited = false;
    const child = spawn(
      process.execPath,
      [NODE_BIN, '--region', this.region, '--config', this.deployment.file, '--log', this.logFile],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    trackChild(child);
    return child;
  }

  private watchExit(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const child = this.child;
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4_000)));
    return new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.hasExited = true;
        if (stderr) fs.appendFileSync(this.logFile, `\n[stderr]\n${stderr}`);
        resolve({ code, signal });
      }),
    );
  }
}
