/**
 * A throwaway etcd for tests and harnesses: `/usr/bin/etcd` on loopback with a temporary data
 * dir, waited for (bounded); `kill()` and `restart()` take it away and bring it back on the same
 * dir and ports (an etcd outage); `stop()` ends it and removes its dir. Without the binary,
 * `etcdMissing()` says why, so a test can skip itself with the reason instead of passing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { trackChild, trackDir, untrackDir } from './leftovers';
import { freePort, httpJson } from './net';
import { waitUntil } from './wait';

export const ETCD_BIN = process.env.TIDAL_ETCD_BIN ?? '/usr/bin/etcd';

/** Why etcd cannot be started here (undefined when it can). */
export function etcdMissing(): string | undefined {
  try {
    fs.accessSync(ETCD_BIN, fs.constants.X_OK);
    return undefined;
  } catch {
    return `${ETCD_BIN} is not installed; install it with: apt-get install -y etcd-server`;
  }
}

export class EtcdHandle {
  private child: ChildProcess | undefined;
  private gone: Promise<void> = Promise.resolve();
  private exited = true;

  private constructor(
    readonly host: string,
    readonly clientPort: number,
    readonly peerPort: number,
    readonly dataDir: string,
    private readonly startTimeoutMs: number,
  ) {}

  static async start(opts: EtcdOptions = {}): Promise<EtcdHandle> {
    const host = opts.host ?? '127.0.0.1';
    const dataDir = trackDir(fs.mkdtempSync(path.join(opts.tempBase ?? os.tmpdir(), 'tidal-etcd-')));
    const h = new EtcdHandle(
      host,
      await freePort(host),
      await freePort(host),
      dataDir,
      opts.startTimeoutMs ?? 10_000,
    );
    try {
      await h.launch();
    } catch (err) {
      await h.stop();
      throw err;
    }
    return h;
  }

  get endpoint(): string {
    return `http://${this.host}:${this.clientPort}`;
  }

  /** The running (or last) etcd process. */
  get process(): ChildProcess {
    return this.child!;
  }

  get pid(): number {
    return this.child!.pid!;
  }

  get logFile(): string {
    return path.join(this.dataDir, 'etcd.log');
  }

  /** SIGKILL (an outage); the data dir stays for `restart()`. */
  async kill(): Promise<void> {
    if (this.exited) return;
    this.child?.kill('SIGKILL');
    await this.gone;
  }

  /** Starts etcd again on the same data dir and ports, and waits until it answers. */
  async restart(): Promise<void> {
    if (!this.exited) throw new Error('etcd is running; kill it first');
    await this.launch();
  }

  /** Ends etcd (SIGKILL if SIGTERM is not enough within 2 s) and removes its data dir. */
  async stop(): Promise<void> {
    if (!this.exited) {
      this.child?.kill('SIGTERM');
      const t = setTimeout(() => this.child?.kill('SIGKILL'), 2_000);
      await this.gone;
      clearTimeout(t);
    }
    fs.rmSync(this.dataDir, { recursive: true, force: true });
    untrackDir(this.dataDir);
  }

  private async launch(): Promise<void> {
    const { host, endpoint } = this;
    const peer = `http://${host}:${this.peerPort}`;
    const out = fs.openSync(this.logFile, 'a');
    const child = spawn(
      ETCD_BIN,
      [
        ...['--name', 'tidal-test', '--data-dir', path.join(this.dataDir, 'data')],
        ...['--listen-client-urls', endpoint, '--advertise-client-urls', endpoint],
        ...['--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer],
        ...['--initial-cluster', `tidal-test=${peer}`, '--log-level', 'warn'],
      ],
      { stdio: ['ignore', out, out] },
    );
    fs.closeSync(out);
    trackChild(child);
    this.child = child;
    this.exited = false;
    this.gone = new Promise<void>((r) =>
      child.once('exit', () => {
        this.exited = true;
        r();
      }),
    );
    await waitUntil(
      `etcd at ${endpoint} to answer /health`,
      async () => {
        if (this.exited) throw new Error(`etcd exited: ${fs.readFileSync(this.logFile, 'utf8').slice(-500)}`);
        const r = await httpJson<{ health: string }>(host, this.clientPort, 'GET', '/health', undefined, {
          timeoutMs: 500,
        });
        return r.status === 200 && r.body?.health === 'true';
      },
      { timeoutMs: this.startTimeoutMs, intervalMs: 50 },
    );
  }
}

/** Starts a throwaway etcd (see `EtcdHandle`). */
export interface EtcdOptions {
  host?: string;
  startTimeoutMs?: number;
  /** Where its data dir is made (default: the machine's temp dir). */
  tempBase?: string;
}

export function startEtcd(opts: EtcdOptions = {}): Promise<EtcdHandle> {
  return EtcdHandle.start(opts);
}
