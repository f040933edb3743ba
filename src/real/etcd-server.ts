/**
 * The run's etcd: one for a whole cucumber run (the server's test helper `startEtcd`, on
 * 127.0.0.1 with free ports and a temporary data dir, bounded start-up). Each cluster keeps its
 * keys under its own clusterId prefix, so scenarios share the server and never each other's
 * keys. Started lazily by the first cluster (`sharedEtcd`), stopped with its data dir removed when
 * the run ends (`stopSharedEtcd`), and at process exit synchronously, so a run that throws leaves
 * no etcd behind either.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { ETCD_BIN, startEtcd, type EtcdHandle } from '../server/testing/etcd';
import { PrerequisiteError } from './errors';
import { realTempBase } from './temp';

export { ETCD_BIN };

/** How long etcd may take to answer /health. Default: 15 s. */
const START_TIMEOUT_MS = 15_000;

export class EtcdServer {
  private constructor(private readonly handle: EtcdHandle) {}

  get clientUrl(): string {
    return this.handle.endpoint;
  }
  get dataDir(): string {
    return this.handle.dataDir;
  }
  get pid(): number {
    return this.handle.pid;
  }

  static async start(): Promise<EtcdServer> {
    if (!fs.existsSync(ETCD_BIN))
      throw new PrerequisiteError(`etcd at ${ETCD_BIN}`, 'apt-get install -y etcd-server');
    const handle = await startEtcd({
      host: '127.0.0.1',
      startTimeoutMs: START_TIMEOUT_MS,
      tempBase: realTempBase(),
    });
    // The run ends when its scenarios do: etcd must not hold the event loop (the exit hook stops it).
    handle.process.unref();
    return new EtcdServer(handle);
  }

  /** The etcd version (`etcd --version`'s first line), asked once. */
  version(): string {
    return (this.cachedVersion ??= readVersion());
  }
  private cachedVersion: string | undefined;

  /** SIGTERM, then SIGKILL after a bound; removes the data dir. */
  stop(): Promise<void> {
    return this.handle.stop();
  }

  /** For process exit: kill now and remove the files, synchronously. */
  stopNow(): void {
    if (this.handle.process.exitCode === null && this.handle.process.signalCode === null) {
      try {
        this.handle.process.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
    fs.rmSync(this.handle.dataDir, { recursive: true, force: true });
  }
}

function readVersion(): string {
  const r = spawnSync(ETCD_BIN, ['--version'], { encoding: 'utf8', timeout: 5_000 });
  return (
    (r.stdout ?? '')
      .split('\n')[0]
      ?.replace(/^etcd Version:\s*/, '')
      .trim() || 'unknown'
  );
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
