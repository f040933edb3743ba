/**
 * EtcdServer: one etcd (Debian's etcd-server) for a whole cucumber run, on 127.0.0.1 with free
 * ports and a temporary data dir. Each cluster keeps its keys under its own clusterId prefix, so
 * scenarios share the server and never each other's keys. Started lazily by the first cluster
 * (`sharedEtcd`), stopped and its data dir removed when the run ends (`stopSharedEtcd`, also on
 * process exit, synchronously, so even a run that throws leaves no etcd behind).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PrerequisiteError, RealTimeoutError } from './errors';
import { freePorts } from './ports';
import { pollUntil, sleep } from './wait';

export const ETCD_BIN = process.env.TIDAL_ETCD_BIN || '/usr/bin/etcd';
/** How long etcd may take to answer /health. Default: 15 s. */
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

export class EtcdServer {
  private child: ChildProcess | undefined;
  private exited = false;

  private constructor(
    readonly clientUrl: string,
    private readonly peerUrl: string,
    readonly dataDir: string,
    readonly logFile: string,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts an etcd on free loopback ports; resolves once it answers /health (bounded). */
  static async start(): Promise<EtcdServer> {
    if (!fs.existsSync(ETCD_BIN))
      throw new PrerequisiteError(`etcd at ${ETCD_BIN}`, 'apt-get install -y etcd-server');
    const [clientPort, peerPort] = await freePorts(2);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidal-etcd-'));
    const server = new EtcdServer(
      `http://127.0.0.1:${clientPort}`,
      `http://127.0.0.1:${peerPort}`,
      path.join(dir, 'data'),
      path.join(dir, 'etcd.log'),
    );
    server.spawn();
    try {
      await pollUntil(() => server.healthy(), { timeoutMs: START_TIMEOUT_MS, what: 'etcd /health' });
    } catch (err) {
      await server.stop();
      throw err;
    }
    return server;
  }

  /** The etcd version (`etcd --version`'s first line). */
  version(): string {
    const r = spawnSync(ETCD_BIN, ['--version'], { encoding: 'utf8', timeout: 5_000 });
    return (
      (r.stdout ?? '')
        .split('\n')[0]
        ?.replace(/^etcd Version:\s*/, '')
        .trim() || 'unknown'
    );
  }

  private spawn(): void {
    const out = fs.openSync(this.logFile, 'a');
    this.child = spawn(
      ETCD_BIN,
      [
        '--name=tidal-uat',
        `--data-dir=${this.dataDir}`,
        `--listen-client-urls=${this.clientUrl}`,
        `--advertise-client-urls=${this.clientUrl}`,
        `--listen-peer-urls=${this.peerUrl}`,
        `--initial-advertise-peer-urls=${this.peerUrl}`,
        `--initial-cluster=tidal-uat=${this.peerUrl}`,
        '--initial-cluster-state=new',
        '--logger=zap',
        '--log-outputs=stderr',
      ],
      { stdio: ['ignore', out, out] },
    );
    fs.closeSync(out);
    this.child.once('exit', () => (this.exited = true));
  }

  private async healthy(): Promise<true | undefined> {
    if (this.exited) throw new RealTimeoutError('etcd start-up', 0, `etcd exited; see ${this.logFile}`);
    const res = await fetch(`${this.clientUrl}/health`, { signal: AbortSignal.timeout(1_000) });
    const body = (await res.json()) as { health?: string };
    return body.health === 'true' ? true : undefined;
  }

  /** SIGTERM, then SIGKILL after a bound; removes the data dir and log. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child && !this.exited) {
      child.kill('SIGTERM');
      const deadline = Date.now() + STOP_TIMEOUT_MS;
      while (!this.exited && Date.now() < deadline) await sleep(25);
      if (!this.exited) child.kill('SIGKILL');
      for (let i = 0; !this.exited && i < 40; i++) await sleep(25);
    }
    fs.rmSync(path.dirname(this.dataDir), { recursive: true, force: true });
  }

  /** For process exit: kill now and remove the files, synchronously. */
  stopNow(): void {
    if (this.child && !this.exited) {
      try {
        this.child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
    fs.rmSync(path.dirname(this.dataDir), { recursive: true, force: true });
  }
}

let shared: Promise<EtcdServer> | undefined;

let started: EtcdServer | undefined;

/** 'exit' handlers run synchronously: kill and remove at once. */
function onExit(): void {
  started?.stopNow();
}

/** The run's etcd, started by the first caller. */
export function sharedEtcd(): Promise<EtcdServer> {
  if (!shared) {
    process.once('exit', onExit);
    shared = EtcdServer.start().then(
      (s) => (started = s),
      (err: unknown) => {
        shared = undefined;
        throw err;
      },
    );
  }
  return shared;
}

/** Stops the run's etcd if one was started (an AfterAll hook calls this). */
export async function stopSharedEtcd(): Promise<void> {
  const s = started;
  shared = undefined;
  started = undefined;
  process.removeListener('exit', onExit);
  if (s) await s.stop();
}
