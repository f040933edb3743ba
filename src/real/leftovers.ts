/**
 * What a real-mode run may leave behind, found precisely — never by a broad name: processes
 * whose environment carries the run's TIDAL_RUN_ID (every node and the etcd inherit it), anything
 * in the run's own temp root (TIDAL_TMPDIR: its deployments and etcd data dirs are made there), and a TIDAL chain in this (the machine's) network namespace, which a correct run never
 * touches. Other runs on the machine — a concurrent unit test, another suite — are never counted
 * and never removed.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHAIN, IPTABLES } from './firewall';

/** The run's own temp root, given to its processes as TIDAL_TMPDIR (the run id is a safe name). */
export function runTempRoot(runId: string): string {
  if (!/^[\w.-]+$/.test(runId))
    throw new Error(
      `run id ${JSON.stringify(runId)} cannot name a temp dir: use letters, digits, '.', '_' or '-'`,
    );
  return path.join(os.tmpdir(), `tidal-run-${runId}`);
}

/** What is in the run's temp root (empty when the root is gone or empty). */
export function tempDirsOfRun(runId: string): string[] {
  const root = runTempRoot(runId);
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .map((n) => path.join(root, n))
    .sort();
}

/** Pids (other than this process) whose environment holds TIDAL_RUN_ID=`runId`, with their command. */
export function processesOfRun(runId: string): { pid: number; cmd: string }[] {
  const marker = `TIDAL_RUN_ID=${runId}`;
  const out: { pid: number; cmd: string }[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const env = fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (!env.includes(marker)) continue;
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      out.push({ pid: Number(entry), cmd });
    } catch {
      // gone, or not ours to read
    }
  }
  return out;
}

/** Whether this network namespace has a TIDAL chain (undefined: iptables could not be asked). */
export function chainInThisNamespace(): boolean | undefined {
  try {
    execFileSync(IPTABLES, ['-w', '5', '-S', CHAIN], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch (err) {
    return (err as { status?: number }).status === 1 ? false : undefined;
  }
}

export interface Leftovers {
  processes: { pid: number; cmd: string }[];
  tempDirs: string[];
  chainInMachineNamespace: boolean | undefined;
}

/** Everything the run `runId` left behind. */
export function leftoversOf(runId: string): Leftovers {
  return {
    processes: processesOfRun(runId),
    tempDirs: tempDirsOfRun(runId),
    chainInMachineNamespace: chainInThisNamespace(),
  };
}

export function describeLeftovers(l: Leftovers): string[] {
  const out: string[] = [];
  for (const p of l.processes) out.push(`process ${p.pid} still runs: ${p.cmd}`);
  for (const d of l.tempDirs) out.push(`temp dir left: ${d}`);
  if (l.chainInMachineNamespace)
    out.push(`iptables chain ${CHAIN} exists in the machine's network namespace`);
  return out;
}
