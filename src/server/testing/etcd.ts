/**
 * A throwaway etcd for tests and harnesses: `/usr/bin/etcd` on loopback with a temporary data
 * dir, waited for (bounded), and removed with its dir on `stop()`. Without the binary, `etcdMissing()`
 * says why, so a test can skip itself with the reason instead of passing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
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

export interface EtcdHandle {
  endpoint: string;
  dataDir: string;
  pid: number;
  process: ChildProcess;
  /** Kills etcd (SIGKILL if SIGTERM is not enough within 2 s) and removes its data dir. */
  stop(): Promise<void>;
}

export async function startEtcd(opts: { host?: string; startTimeoutMs?: number } = {}): Promise<EtcdHandle> {
  const host = opts.host ?? '127.0.0.1';
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidal-etcd-'));
  const clientPort = await freePort(host);
  const peerPort = await freePort(host);
  const endpoint = `http://${host}:${clientPort}`;
  const logFile = path.join(dataDir, 'etcd.log');
  const out = fs.openSync(logFile, 'a');
  const child = spawn(
    ETCD_BIN,
    [
      '--name',
      'tidal-test',
      '--data-dir',
      path.join(dataDir, 'data'),
      '--listen-client-urls',
      endpoint,
      '--advertise-client-urls',
      endpoint,
      '--listen-peer-urls',
      `http://${host}:${peerPort}`,
      '--initial-advertise-peer-urls',
      `http://${host}:${peerPort}`,
      '--initial-cluster',
      `tidal-test=http://${host}:${peerPort}`,
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', out, out] },
  );
  fs.closeSync(out);
  let exited = false;
  const gone = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())));
  const stop = async (): Promise<void> => {
    if (!exited) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 2_000);
      await gone;
      clearTimeout(t);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitUntil(
      `etcd at ${endpoint} to answer /health`,
      async () => {
        if (exited) throw new Error(`etcd exited: ${fs.readFileSync(logFile, 'utf8').slice(-500)}`);
        const r = await httpJson<{ health: string }>(host, clientPort, 'GET', '/health', undefined, {
          timeoutMs: 500,
        });
        return r.status === 200 && r.body?.health === 'true';
      },
      { timeoutMs: opts.startTimeoutMs ?? 10_000, intervalMs: 50 },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { endpoint, dataDir, pid: child.pid!, process: child, stop };
}
