/**
 * What a real-mode run may leave behind, found precisely — never by a broad name: processes
 * whose environment carries the run's TIDAL_RUN_ID (every node and the etcd inherit it), temp
 * dirs of the real mode created since the run began, and a TIDAL chain in this (the machine's)
 * network namespace, which a correct run never touches.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TEMP_PREFIX } from './deployment';
import { CHAIN, IPTABLES } from './firewall';

/** Temp dir prefixes of the real mode (deployments, etcd data). */
export const TEMP_PREFIXES = [TEMP_PREFIX, 'tidal-etcd-'];

export function realTempDirs(): string[] {
  const tmp = os.tmpdir();
  return fs
    .readdirSync(tmp)
    .filter((n) => TEMP_PREFIXES.some((p) => n.startsWith(p)))
    .map((n) => path.join(tmp, n))
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

/** Everything the run `runId` left behind, given the real-mode temp dirs that existed before it. */
export function leftoversOf(runId: string, tempDirsBefore: readonly string[]): Leftovers {
  const before = new Set(tempDirsBefore);
  return {
    processes: processesOfRun(runId),
    tempDirs: realTempDirs().filter((d) => !before.has(d)),
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
